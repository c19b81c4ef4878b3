//! Variant parameters: parsing and validating `w`, `h`, `fit`, `fmt`, `q` (or a named preset)
//! into one canonical form, the deterministic cache key derived from it, and HMAC signing of
//! the canonical query for the `signed` transform policy.
//!
//! Canonicalising matters twice: equal requests must share one cached variant, and a
//! signature must not be defeated by reordering or re-spelling parameters.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::MediaError;

/// Largest width or height a variant may ask for.
pub const MAX_DIMENSION: u32 = 4096;
/// Quality used for lossy formats when the request names none.
pub const DEFAULT_QUALITY: u8 = 80;
/// Bumped when rendering changes, so old cached variants are no longer addressed.
pub const VARIANT_VERSION: &str = "v1";

/// How the image is fitted into the requested box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Fit {
    /// Scale to cover the box, then crop around the focal point.
    #[default]
    Cover,
    /// Scale to fit inside the box, then pad to the box (transparent, or white in JPEG).
    Contain,
    /// Scale to fit inside the box; the result may be smaller than the box on one side.
    Inside,
    /// Stretch to the box, ignoring the aspect ratio.
    Fill,
}

impl Fit {
    fn as_str(self) -> &'static str {
        match self {
            Self::Cover => "cover",
            Self::Contain => "contain",
            Self::Inside => "inside",
            Self::Fill => "fill",
        }
    }

    fn parse(value: &str) -> Result<Self, MediaError> {
        match value {
            "cover" => Ok(Self::Cover),
            "contain" => Ok(Self::Contain),
            "inside" => Ok(Self::Inside),
            "fill" => Ok(Self::Fill),
            _ => Err(invalid(format!(
                "fit must be cover, contain, inside or fill, not {value:?}"
            ))),
        }
    }
}

/// Encoding of a variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// Lossy WebP.
    #[default]
    WebP,
    /// Baseline JPEG.
    Jpeg,
    /// Lossless PNG.
    Png,
}

impl OutputFormat {
    /// MIME type of the encoded variant.
    pub fn mime(self) -> &'static str {
        match self {
            Self::WebP => "image/webp",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }

    /// File extension of the encoded variant, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::WebP => "webp",
            Self::Jpeg => "jpg",
            Self::Png => "png",
        }
    }

    fn parse(value: &str) -> Result<Self, MediaError> {
        match value {
            "webp" => Ok(Self::WebP),
            "jpeg" | "jpg" => Ok(Self::Jpeg),
            "png" => Ok(Self::Png),
            _ => Err(invalid(format!(
                "fmt must be webp, jpeg or png, not {value:?}"
            ))),
        }
    }

    fn is_lossy(self) -> bool {
        !matches!(self, Self::Png)
    }
}

/// Validated, canonical variant parameters. Build with [`TransformSpec::new`] or parse
/// with [`parse_query`]; fields are read-only so an instance is always canonical.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "RawSpec")]
pub struct TransformSpec {
    width: Option<u32>,
    height: Option<u32>,
    fit: Fit,
    format: OutputFormat,
    quality: Option<u8>,
}

/// The shape of a preset in configuration, e.g. `{ w = 400, h = 300, fit = "cover" }`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    w: Option<u32>,
    h: Option<u32>,
    #[serde(default)]
    fit: Fit,
    #[serde(default)]
    fmt: OutputFormat,
    q: Option<u8>,
}

impl TryFrom<RawSpec> for TransformSpec {
    type Error = MediaError;

    fn try_from(raw: RawSpec) -> Result<Self, MediaError> {
        Self::new(raw.w, raw.h, raw.fit, raw.fmt, raw.q)
    }
}

impl TransformSpec {
    /// Validates and canonicalises: sizes in 1..=4096, quality in 1..=100 and only for lossy
    /// formats (defaulting to 80), and `fit` reduced to `inside` when only one side is
    /// given, since every fit then means the same thing.
    pub fn new(
        width: Option<u32>,
        height: Option<u32>,
        fit: Fit,
        format: OutputFormat,
        quality: Option<u8>,
    ) -> Result<Self, MediaError> {
        for (name, value) in [("w", width), ("h", height)] {
            if let Some(value) = value
                && !(1..=MAX_DIMENSION).contains(&value)
            {
                return Err(invalid(format!(
                    "{name} must be between 1 and {MAX_DIMENSION}"
                )));
            }
        }
        if let Some(quality) = quality
            && !(1..=100).contains(&quality)
        {
            return Err(invalid("q must be between 1 and 100".into()));
        }
        let fit = if width.is_some() && height.is_some() {
            fit
        } else {
            Fit::Inside
        };
        let quality = format
            .is_lossy()
            .then(|| quality.unwrap_or(DEFAULT_QUALITY));
        Ok(Self {
            width,
            height,
            fit,
            format,
            quality,
        })
    }

    /// Requested width, if any.
    pub fn width(&self) -> Option<u32> {
        self.width
    }

    /// Requested height, if any.
    pub fn height(&self) -> Option<u32> {
        self.height
    }

    /// How the image is fitted into the box.
    pub fn fit(&self) -> Fit {
        self.fit
    }

    /// Output encoding.
    pub fn format(&self) -> OutputFormat {
        self.format
    }

    /// Encoder quality; `None` for lossless formats.
    pub fn quality(&self) -> Option<u8> {
        self.quality
    }

    /// The canonical query string: keys sorted, defaults spelled out, nothing else.
    pub fn canonical_query(&self) -> String {
        let mut query = format!("fit={}&fmt={}", self.fit.as_str(), self.format.extension());
        if let Some(height) = self.height {
            let _ = write!(query, "&h={height}");
        }
        if let Some(quality) = self.quality {
            let _ = write!(query, "&q={quality}");
        }
        if let Some(width) = self.width {
            let _ = write!(query, "&w={width}");
        }
        query
    }
}

/// Where the interesting part of an image is, as fractions of its width and height.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FocalPoint {
    x: f32,
    y: f32,
}

impl Default for FocalPoint {
    fn default() -> Self {
        Self { x: 0.5, y: 0.5 }
    }
}

impl FocalPoint {
    /// A focal point; both coordinates must lie in 0..=1.
    pub fn new(x: f32, y: f32) -> Result<Self, MediaError> {
        if !(0.0..=1.0).contains(&x) || !(0.0..=1.0).contains(&y) {
            return Err(invalid(
                "focal point coordinates must be between 0 and 1".into(),
            ));
        }
        Ok(Self { x, y })
    }

    /// Horizontal position, 0 = left edge.
    pub fn x(&self) -> f32 {
        self.x
    }

    /// Vertical position, 0 = top edge.
    pub fn y(&self) -> f32 {
        self.y
    }
}

/// The cache key of a variant: hex SHA-256 of the version tag, the canonical query and, for
/// `cover` only (the one fit it changes), the focal point rounded to 1/10000.
pub fn variant_key(spec: &TransformSpec, focal: FocalPoint) -> String {
    let mut material = format!("{VARIANT_VERSION}\n{}", spec.canonical_query());
    if spec.fit == Fit::Cover {
        let _ = write!(material, "\nfocal={:.4},{:.4}", focal.x, focal.y);
    }
    hex::encode(Sha256::digest(material.as_bytes()))
}

/// A variant request as it arrived: explicit parameters or the name of a preset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransformRequest {
    /// Explicit, validated parameters.
    Params(TransformSpec),
    /// A preset name, to resolve with [`Presets::resolve`].
    Preset(String),
}

/// A parsed variant query string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantQuery {
    /// What was asked for.
    pub request: TransformRequest,
    /// The `sig` parameter, if present.
    pub signature: Option<String>,
}

/// Parses a query string (without `?`): `w`, `h`, `fit`, `fmt`, `q`, or `preset` alone, plus
/// an optional `sig`. Unknown or repeated parameters are errors, so that no two spellings
/// of one variant exist.
pub fn parse_query(query: &str) -> Result<VariantQuery, MediaError> {
    let mut seen = BTreeMap::new();
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        if !matches!(&*key, "w" | "h" | "fit" | "fmt" | "q" | "preset" | "sig") {
            return Err(invalid(format!("unknown parameter {key:?}")));
        }
        if seen
            .insert(key.clone().into_owned(), value.into_owned())
            .is_some()
        {
            return Err(invalid(format!("parameter {key:?} is repeated")));
        }
    }
    let signature = seen.remove("sig");
    let request = if let Some(preset) = seen.remove("preset") {
        if !seen.is_empty() {
            return Err(invalid(
                "preset cannot be combined with other parameters".into(),
            ));
        }
        TransformRequest::Preset(preset)
    } else {
        let number = |name: &str| -> Result<Option<u32>, MediaError> {
            seen.get(name)
                .map(|value| {
                    value
                        .parse::<u32>()
                        .map_err(|_| invalid(format!("{name} must be a whole number")))
                })
                .transpose()
        };
        let quality = number("q")?
            .map(|q| u8::try_from(q).map_err(|_| invalid("q must be between 1 and 100".into())))
            .transpose()?;
        let fit = seen.get("fit").map(|v| Fit::parse(v)).transpose()?;
        let format = seen
            .get("fmt")
            .map(|v| OutputFormat::parse(v))
            .transpose()?;
        TransformRequest::Params(TransformSpec::new(
            number("w")?,
            number("h")?,
            fit.unwrap_or_default(),
            format.unwrap_or_default(),
            quality,
        )?)
    };
    Ok(VariantQuery { request, signature })
}

/// Named presets, e.g. from `[media.presets]` in configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Presets(BTreeMap<String, TransformSpec>);

impl Presets {
    /// Presets from name/spec pairs.
    pub fn new(presets: impl IntoIterator<Item = (String, TransformSpec)>) -> Self {
        Self(presets.into_iter().collect())
    }

    /// The preset names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// The spec of a preset by name.
    pub fn get(&self, name: &str) -> Option<&TransformSpec> {
        self.0.get(name)
    }

    /// The spec a request stands for; an unknown preset is an invalid transform.
    pub fn resolve(&self, request: &TransformRequest) -> Result<TransformSpec, MediaError> {
        match request {
            TransformRequest::Params(spec) => Ok(*spec),
            TransformRequest::Preset(name) => self
                .get(name)
                .copied()
                .ok_or_else(|| invalid(format!("unknown preset {name:?}"))),
        }
    }
}

/// Signs and verifies variant URLs with HMAC-SHA256 over the asset and the canonical query,
/// so that a signature is valid for one variant of one asset only.
#[derive(Clone)]
pub struct UrlSigner {
    key: Vec<u8>,
}

impl std::fmt::Debug for UrlSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UrlSigner(..)")
    }
}

impl UrlSigner {
    /// A signer with a secret key (ideally 32 random bytes).
    pub fn new(key: impl Into<Vec<u8>>) -> Self {
        Self { key: key.into() }
    }

    fn mac(&self, asset: &str, spec: &TransformSpec) -> Hmac<Sha256> {
        // HMAC takes keys of any length, so this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        mac.update(asset.as_bytes());
        mac.update(b"\n");
        mac.update(spec.canonical_query().as_bytes());
        mac
    }

    /// The hex signature to put in `sig`.
    pub fn sign(&self, asset: &str, spec: &TransformSpec) -> String {
        hex::encode(self.mac(asset, spec).finalize().into_bytes())
    }

    /// Checks `signature` in constant time.
    pub fn verify(
        &self,
        asset: &str,
        spec: &TransformSpec,
        signature: Option<&str>,
    ) -> Result<(), MediaError> {
        let bytes = signature
            .and_then(|s| hex::decode(s).ok())
            .ok_or(MediaError::InvalidSignature)?;
        self.mac(asset, spec)
            .verify_slice(&bytes)
            .map_err(|_| MediaError::InvalidSignature)
    }
}

fn invalid(message: String) -> MediaError {
    MediaError::InvalidTransform(message)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The spec a query of plain parameters parses to (the render tests use it too).
    pub(crate) fn spec(query: &str) -> TransformSpec {
        match parse_query(query).unwrap().request {
            TransformRequest::Params(spec) => spec,
            other => panic!("expected params, got {other:?}"),
        }
    }

    #[test]
    fn equal_requests_have_one_canonical_form_and_key() {
        let a = spec("w=400&h=300&fmt=webp&q=80&fit=cover");
        let b = spec("fit=cover&h=300&w=400");
        assert_eq!(a, b);
        assert_eq!(a.canonical_query(), "fit=cover&fmt=webp&h=300&q=80&w=400");
        assert_eq!(
            variant_key(&a, FocalPoint::default()),
            variant_key(&b, FocalPoint::default())
        );
        assert_eq!(variant_key(&a, FocalPoint::default()).len(), 64);
    }

    #[test]
    fn key_changes_with_params_and_focal_only_for_cover() {
        let focal = FocalPoint::new(0.2, 0.8).unwrap();
        let cover = spec("w=400&h=300");
        assert_ne!(
            variant_key(&cover, FocalPoint::default()),
            variant_key(&cover, focal)
        );
        assert_ne!(
            variant_key(&cover, focal),
            variant_key(&spec("w=400&h=301"), focal)
        );
        let inside = spec("w=400&h=300&fit=inside");
        assert_eq!(
            variant_key(&inside, FocalPoint::default()),
            variant_key(&inside, focal)
        );
    }

    #[test]
    fn png_has_no_quality_and_single_side_means_inside() {
        let png = spec("w=10&fmt=png&q=50&fit=cover");
        assert_eq!(png.quality(), None);
        assert_eq!(png.fit(), Fit::Inside);
        assert_eq!(png.canonical_query(), "fit=inside&fmt=png&w=10");
        assert_eq!(spec("fmt=jpg").format(), OutputFormat::Jpeg);
    }

    #[test]
    fn out_of_range_and_unknown_parameters_are_refused() {
        for query in [
            "w=0",
            "w=4097",
            "h=-1",
            "q=0",
            "q=101",
            "q=1000",
            "fit=stretch",
            "fmt=avif",
            "w=10&w=20",
            "width=10",
            "preset=card&w=10",
            "w=abc",
        ] {
            let error = parse_query(query).unwrap_err();
            assert_eq!(error.code(), "invalid_transform", "{query}");
        }
        assert!(FocalPoint::new(1.5, 0.5).is_err());
    }

    #[test]
    fn presets_resolve_by_name() {
        let presets: Presets =
            serde_json::from_str(r#"{"card": {"w": 400, "h": 300, "fit": "cover", "q": 70}}"#)
                .unwrap();
        let query = parse_query("preset=card").unwrap();
        let resolved = presets.resolve(&query.request).unwrap();
        assert_eq!(resolved, spec("w=400&h=300&q=70"));
        let unknown = presets.resolve(&TransformRequest::Preset("hero".into()));
        assert_eq!(unknown.unwrap_err().code(), "invalid_transform");
        let bad: Result<Presets, _> = serde_json::from_str(r#"{"huge": {"w": 9000}}"#);
        assert!(bad.is_err());
    }

    #[test]
    fn signatures_bind_asset_and_parameters() {
        let signer = UrlSigner::new(b"secret".to_vec());
        let card = spec("w=400&h=300");
        let sig = signer.sign("abc", &card);
        let query = parse_query(&format!("h=300&w=400&sig={sig}")).unwrap();
        assert_eq!(query.signature.as_deref(), Some(sig.as_str()));
        assert!(
            signer
                .verify("abc", &card, query.signature.as_deref())
                .is_ok()
        );
        let refused = [
            signer.verify("abd", &card, Some(&sig)),
            signer.verify("abc", &spec("w=400&h=301"), Some(&sig)),
            signer.verify("abc", &card, None),
            signer.verify("abc", &card, Some("zz")),
            UrlSigner::new(b"other".to_vec()).verify("abc", &card, Some(&sig)),
        ];
        for result in refused {
            assert_eq!(result.unwrap_err().code(), "invalid_signature");
        }
    }
}
