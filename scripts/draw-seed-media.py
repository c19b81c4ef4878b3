#!/usr/bin/env python3
"""Draw the demo media for the seed content (schema/seed/media/ and schema/seed/media.toml).

Everything is made here: the raster images are drawn with Pillow from shapes and
gradients, the partner logos are hand-written SVG text kept in this file. Nothing
is downloaded, and with the same Pillow version (drawn with Pillow 13.0.0) every run
gives the same bytes (the randomness is seeded).

Run it with Pillow from a throwaway virtualenv, from the repository root (it finds its
output paths from its own location, so the working directory does not matter otherwise):

    python3 -m venv /tmp/seedvenv
    /tmp/seedvenv/bin/pip install pillow
    /tmp/seedvenv/bin/python scripts/draw-seed-media.py

It (over)writes:

    schema/seed/media/expert-john-marwel.png       600x800 PNG portrait
    schema/seed/media/partner-*.svg                 5 partner logos, 320x120
    schema/seed/media/page-*.jpg                    3 page heroes, 1600x900
    schema/seed/media/post-this-is-wsco.jpg         post cover, 1200x675
    schema/seed/media.toml                          the manifest (file, alt, title, focal)

The manifest is written from the MEDIA table below, whose focal points are also where
the drawings put their subject: edit alt text and focal points there, not in the TOML.

JPEGs are baseline (not progressive), 8-bit RGB with no ICC profile (so sRGB, the
web default), quality 82, and carry no EXIF or other metadata; the PNG carries no
text or time chunks.
"""

import math
import random
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "schema" / "seed" / "media"
MANIFEST = ROOT / "schema" / "seed" / "media.toml"

SS = 2  # supersampling: draw at twice the size, then shrink, for smooth edges
JPEG_QUALITY = 82


# --- small helpers ---------------------------------------------------------------------------


def rgb(color):
    if isinstance(color, tuple):
        return color[:3]
    h = color.lstrip("#")
    return tuple(int(h[i : i + 2], 16) for i in (0, 2, 4))


def mix(a, b, t):
    a, b = rgb(a), rgb(b)
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


def rgba(color, alpha):
    return rgb(color) + (int(alpha),)


def ramp(n, stops):
    """n colours along a multi-stop gradient; stops are (position 0..1, colour)."""
    stops = [(p, rgb(c)) for p, c in stops]
    out = []
    for i in range(n):
        t = i / max(1, n - 1)
        for j in range(len(stops) - 1):
            (p0, c0), (p1, c1) = stops[j], stops[j + 1]
            if t <= p1 or j == len(stops) - 2:
                u = 0.0 if p1 == p0 else min(max((t - p0) / (p1 - p0), 0.0), 1.0)
                u = u * u * (3 - 2 * u)  # smoothstep: no visible kinks at the stops
                out.append(mix(c0, c1, u))
                break
    return out


def vgradient(w, h, stops):
    strip = Image.new("RGB", (1, h))
    strip.putdata(ramp(h, stops))
    return strip.resize((w, h), Image.NEAREST)


def hgradient(w, h, stops):
    strip = Image.new("RGB", (w, 1))
    strip.putdata(ramp(w, stops))
    return strip.resize((w, h), Image.NEAREST)


def _radial():
    # 0 at the centre, 255 on and beyond the inscribed circle (Pillow's own radial_gradient
    # reaches 255 only in the corners, which leaves a hard edge along the sides).
    n = 512
    px = [min(255, round(255 * math.hypot(x + 0.5 - n / 2, y + 0.5 - n / 2) / (n / 2))) for y in range(n) for x in range(n)]
    img = Image.new("L", (n, n))
    img.putdata(px)
    return img


_RADIAL = _radial()


def radial_mask(diameter, strength=1.0, power=2.0):
    size = max(2, int(diameter))
    lut = [round(255 * strength * max(0.0, 1 - v / 255) ** power) for v in range(256)]
    return _RADIAL.resize((size, size), Image.BILINEAR).point(lut)


def glow(img, cx, cy, radius, color, strength=1.0, power=2.0, screen=True):
    """A soft round light (screen blend) or shade (normal blend) centred at cx, cy."""
    m = radial_mask(2 * radius, strength, power)
    box = (int(cx - m.width / 2), int(cy - m.height / 2))
    if screen:
        layer = Image.new("RGB", img.size, (0, 0, 0))
        layer.paste(Image.new("RGB", m.size, rgb(color)), box, m)
        img.paste(ImageChops.screen(img, layer))
    else:
        img.paste(Image.new("RGB", m.size, rgb(color)), box, m)


def vignette(img, strength=0.45):
    w, h = img.size
    lut = [round(255 * (1 - strength * (v / 255) ** 2.2)) for v in range(256)]
    m = _RADIAL.resize((int(w * 1.45), int(h * 1.45)), Image.BILINEAR).point(lut)
    m = m.crop(((m.width - w) // 2, (m.height - h) // 2, (m.width - w) // 2 + w, (m.height - h) // 2 + h))
    img.paste(ImageChops.multiply(img, Image.merge("RGB", (m, m, m))))


def shift(mask, dx, dy):
    """The mask moved by dx, dy, without wrapping round the edges."""
    out = Image.new(mask.mode, mask.size, 0)
    out.paste(mask, (int(dx), int(dy)))
    return out


def fill_through(img, mask, source):
    """Paint source (an image or a colour) onto img where mask is set."""
    if not isinstance(source, Image.Image):
        source = Image.new("RGB", img.size, rgb(source))
    img.paste(source, (0, 0), mask)


def cubic(p0, p1, p2, p3, n=24):
    pts = []
    for i in range(n + 1):
        t = i / n
        a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t**3
        pts.append((a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]))
    return pts


def finish(img, w, h):
    return img.resize((w, h), Image.LANCZOS)


def save_jpeg(img, name):
    path = OUT / name
    # A fresh image: no info dict, so no EXIF, ICC profile or comment travels along.
    clean = Image.new("RGB", img.size)
    clean.paste(img.convert("RGB"))
    clean.save(path, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=False, subsampling="4:2:0")
    return path


def save_png(img, name):
    path = OUT / name
    clean = Image.new("RGB", img.size)
    clean.paste(img.convert("RGB"))
    clean.save(path, "PNG", optimize=True)
    return path


# --- buildings, shared by the skylines --------------------------------------------------------


def row_of_buildings(rng, x0, x1, base, hmin, hmax, wmin, wmax, gap=(0.0, 0.0)):
    rects, x = [], x0
    while x < x1:
        w = rng.uniform(wmin, wmax)
        h = rng.uniform(hmin, hmax)
        rects.append((x, base - h, x + w, base))
        x += w + rng.uniform(*gap)
    return rects


def draw_building(d, rect, color, rng):
    """Body plus a random roof: setback, antenna, slant or flat. Returns the roof's top point."""
    x0, y0, x1, y1 = rect
    w, h = x1 - x0, y1 - y0
    d.rectangle(rect, fill=color)
    r = rng.random()
    if r < 0.25:
        inset, hh = w * 0.22, h * 0.1
        d.rectangle((x0 + inset, y0 - hh, x1 - inset, y0), fill=color)
        return ((x0 + x1) / 2, y0 - hh)
    if r < 0.4:
        cx, top = (x0 + x1) / 2, y0 - h * 0.14
        d.rectangle((cx - max(1, w * 0.025), top, cx + max(1, w * 0.025), y0), fill=color)
        return (cx, top)
    if r < 0.52:
        rise = w * 0.35
        if rng.random() < 0.5:
            d.polygon([(x0, y0), (x1, y0), (x1, y0 - rise)], fill=color)
        else:
            d.polygon([(x0, y0), (x1, y0), (x0, y0 - rise)], fill=color)
        return ((x0 + x1) / 2, y0 - rise / 2)
    return ((x0 + x1) / 2, y0)


def draw_windows(d, rect, rng, colors, p, cell, size, alpha=(120, 230)):
    x0, y0, x1, y1 = rect
    cw, ch = cell
    sw, sh = size
    cols = int((x1 - x0 - cw * 0.4) // cw)
    rows = int((y1 - y0 - ch * 0.6) // ch)
    if cols < 1 or rows < 1:
        return
    left = x0 + ((x1 - x0) - cols * cw) / 2 + (cw - sw) / 2
    top = y0 + ch * 0.5
    for r in range(rows):
        for c in range(cols):
            if rng.random() < p:
                x, y = left + c * cw, top + r * ch
                d.rectangle((x, y, x + sw, y + sh), fill=rgba(rng.choice(colors), rng.uniform(*alpha)))


# --- the portrait ---------------------------------------------------------------------------


def portrait(focal, w=600, h=800):
    W, H = w * SS, h * SS
    img = vgradient(W, H, [(0, "#3aa6a0"), (0.5, "#1f6480"), (1, "#15233f")])
    glow(img, 0.74 * W, 0.2 * H, 0.8 * W, "#f4a261", 0.55)  # warm key light, upper right
    glow(img, 0.1 * W, 0.95 * H, 0.7 * W, "#0b1328", 0.55, screen=False)
    # faint architectural lines behind: a hint of an office window
    d = ImageDraw.Draw(img, "RGBA")
    for i in range(5):
        x = 0.06 * W + i * 0.055 * W
        d.rectangle((x, 0.08 * H, x + 0.006 * W, 0.62 * H), fill=(255, 255, 255, 14))
    d.rectangle((0.06 * W, 0.08 * H, 0.28 * W, 0.086 * H), fill=(255, 255, 255, 14))

    cx, cy = focal[0] * W, focal[1] * H  # the centre of the face
    rx, ry = 0.15 * W, 0.145 * H

    def mask():
        return Image.new("L", (W, H), 0)

    # Body outline: shoulders from cubic curves, mirrored.
    nb, nw = 0.515 * H, 0.082 * W  # neck base: where the collar opens
    left = cubic((cx - 0.56 * W, 1.02 * H), (cx - 0.5 * W, 0.78 * H), (cx - 0.46 * W, 0.615 * H), (cx - 0.3 * W, 0.585 * H))
    left += cubic((cx - 0.3 * W, 0.585 * H), (cx - 0.2 * W, 0.565 * H), (cx - 0.12 * W, 0.545 * H), (cx - nw, nb))
    right = [(2 * cx - x, y) for x, y in reversed(left)]
    body = mask()
    ImageDraw.Draw(body).polygon(left + right, fill=255)

    neck = mask()
    ImageDraw.Draw(neck).polygon([(cx - 0.064 * W, cy + 0.3 * ry), (cx + 0.064 * W, cy + 0.3 * ry), (cx + nw, nb), (cx + nw, 0.63 * H), (cx - nw, 0.63 * H), (cx - nw, nb)], fill=255)

    def head_points(scale=1.0, dy=0.0):
        pts = []
        for i in range(180):
            t = 2 * math.pi * i / 180
            s = math.sin(t)
            jaw = 1 - 0.16 * max(0.0, s) ** 1.6  # narrower towards the chin
            pts.append((cx + rx * scale * math.cos(t) * jaw, cy + dy + ry * scale * s))
        return pts

    head = mask()
    ImageDraw.Draw(head).polygon(head_points(), fill=255)
    ears = mask()
    ed = ImageDraw.Draw(ears)
    for side in (-1, 1):
        ex = cx + side * rx * 0.97
        ed.ellipse((ex - 0.026 * W, cy - 0.005 * H, ex + 0.026 * W, cy + 0.075 * H), fill=255)

    hair_shape = mask()
    ImageDraw.Draw(hair_shape).polygon(head_points(1.07, -0.016 * H), fill=255)
    above_hairline = mask()
    line = cubic((cx - 1.25 * rx, cy + 0.02 * ry), (cx - 1.0 * rx, cy - 0.55 * ry), (cx - 0.3 * rx, cy - 0.75 * ry), (cx + 0.25 * rx, cy - 0.58 * ry))
    line += cubic((cx + 0.25 * rx, cy - 0.58 * ry), (cx + 0.7 * rx, cy - 0.5 * ry), (cx + 1.0 * rx, cy - 0.35 * ry), (cx + 1.25 * rx, cy + 0.02 * ry))
    ImageDraw.Draw(above_hairline).polygon(line + [(cx + 1.3 * rx, cy - 2 * ry), (cx - 1.3 * rx, cy - 2 * ry)], fill=255)
    hair = ImageChops.multiply(hair_shape, above_hairline).filter(ImageFilter.GaussianBlur(1.2 * SS))

    figure = ImageChops.lighter(ImageChops.lighter(body, neck), ImageChops.lighter(ImageChops.lighter(head, ears), hair))

    # Soft shadow of the figure on the wall behind, away from the light.
    shadow = figure.filter(ImageFilter.GaussianBlur(0.035 * W)).point(lambda v: int(v * 0.45))
    shadow = shift(shadow, -0.045 * W, 0.015 * H)
    fill_through(img, shadow, "#0a1426")

    # Materials, each lit from the upper right: a horizontal ramp from shade to light.
    skin = hgradient(W, H, [(0, "#7d4e37"), (0.38, "#a96e4f"), (0.55, "#c98d68"), (0.7, "#e0a985"), (1, "#e8b896")])
    jacket = hgradient(W, H, [(0, "#141c2b"), (0.35, "#1d2a3f"), (0.75, "#33496a"), (1, "#3d5679")])
    jacket = ImageChops.multiply(jacket, vgradient(W, H, [(0, "#ffffff"), (0.7, "#ffffff"), (1, "#7a7a7a")]))

    # The neck first, shaded under the chin; the jacket and shirt then cover its base.
    fill_through(img, neck, skin)
    chin_shadow = mask()
    ImageDraw.Draw(chin_shadow).polygon(head_points(1.0, 0.045 * H), fill=255)
    chin_shadow = ImageChops.multiply(chin_shadow.filter(ImageFilter.GaussianBlur(0.02 * W)), neck).point(lambda v: int(v * 0.55))
    fill_through(img, chin_shadow, "#5a3424")
    opening = mask()  # the open collar: a V below the neck base, and everything above it
    ImageDraw.Draw(opening).polygon([(cx - nw, nb - 0.05 * H), (cx + nw, nb - 0.05 * H), (cx + nw, nb), (cx, 0.6 * H), (cx - nw, nb)], fill=255)
    fill_through(img, ImageChops.subtract(body, opening), jacket)

    d = ImageDraw.Draw(img, "RGBA")
    # shirt below the V, collar points, tie
    d.polygon([(cx - nw, nb), (cx, 0.6 * H), (cx + nw, nb), (cx + 0.012 * W, 0.8 * H), (cx - 0.012 * W, 0.8 * H)], fill=rgb("#dfe6ee"))
    d.polygon([(cx - nw, nb), (cx - 0.01 * W, 0.6 * H), (cx - 0.06 * W, 0.625 * H), (cx - nw - 0.008 * W, 0.56 * H)], fill=rgb("#eef2f6"))
    d.polygon([(cx + nw, nb), (cx + 0.01 * W, 0.6 * H), (cx + 0.06 * W, 0.625 * H), (cx + nw + 0.008 * W, 0.56 * H)], fill=rgb("#ffffff"))
    d.polygon([(cx - 0.022 * W, 0.6 * H), (cx + 0.022 * W, 0.6 * H), (cx + 0.014 * W, 0.632 * H), (cx - 0.014 * W, 0.632 * H)], fill=rgb("#8e2a3c"))
    d.polygon([(cx - 0.014 * W, 0.632 * H), (cx + 0.014 * W, 0.632 * H), (cx + 0.03 * W, 0.86 * H), (cx, 0.9 * H), (cx - 0.03 * W, 0.86 * H)], fill=rgb("#a3344a"))
    d.polygon([(cx + 0.002 * W, 0.632 * H), (cx + 0.014 * W, 0.632 * H), (cx + 0.03 * W, 0.86 * H), (cx + 0.012 * W, 0.88 * H)], fill=(255, 255, 255, 28))
    # lapels
    d.polygon([(cx - nw - 0.012 * W, nb + 0.008 * H), (cx - 0.2 * W, 0.66 * H), (cx - 0.13 * W, 0.69 * H), (cx - 0.016 * W, 0.86 * H), (cx - 0.03 * W, 0.9 * H), (cx - 0.075 * W, 0.62 * H)], fill=rgb("#172234"))
    d.polygon([(cx + nw + 0.012 * W, nb + 0.008 * H), (cx + 0.2 * W, 0.66 * H), (cx + 0.13 * W, 0.69 * H), (cx + 0.016 * W, 0.86 * H), (cx + 0.03 * W, 0.9 * H), (cx + 0.075 * W, 0.62 * H)], fill=rgb("#2c4060"))
    d.line([(cx + 0.2 * W, 0.66 * H), (cx + 0.13 * W, 0.69 * H), (cx + 0.016 * W, 0.86 * H)], fill=(255, 255, 255, 30), width=SS * 2)

    # Ears, head, hair.
    fill_through(img, ears, ImageChops.multiply(skin, Image.new("RGB", (W, H), (225, 215, 210))))
    face = Image.new("RGB", (W, H))
    face.paste(skin)
    glow(face, cx + 0.45 * rx, cy - 0.35 * ry, 1.1 * rx, "#ffe3c8", 0.35)  # highlight on the lit cheek and brow
    glow(face, cx - 0.2 * rx, cy + 0.95 * ry, 0.8 * rx, "#6a3e2a", 0.35, screen=False)  # under the jaw
    fill_through(img, head, face)
    hair_fill = hgradient(W, H, [(0, "#120c09"), (0.45, "#221812"), (0.62, "#3a2a20"), (1, "#5a4332")])
    fill_through(img, hair, hair_fill)

    # Rim light on the right edges, from the warm key light.
    for part, strength in ((head, 0.7), (hair, 0.5), (ImageChops.subtract(body, opening), 0.4), (ears, 0.35)):
        rim = ImageChops.subtract(part, shift(part, -0.012 * W, 0.002 * H))
        rim = rim.filter(ImageFilter.GaussianBlur(0.004 * W)).point(lambda v, s=strength: int(v * s))
        layer = Image.new("RGB", (W, H), (0, 0, 0))
        layer.paste(Image.new("RGB", (W, H), rgb("#ffc98f")), (0, 0), rim)
        img = ImageChops.screen(img, layer)

    vignette(img, 0.35)
    return finish(img, w, h)


# --- page heroes ------------------------------------------------------------------------------


def who_we_are(focal, w=1600, h=900):
    """A city at dusk: a landmark tower right of centre, in front of the setting sun, over water."""
    W, H = w * SS, h * SS
    rng = random.Random(101)
    horizon = 0.84 * H
    img = vgradient(W, H, [(0, "#1b1b4b"), (0.3, "#43367a"), (0.55, "#b45f7e"), (0.7, "#ef9b68"), (0.84, "#f8d48e"), (1, "#f8d48e")])
    sx, sy = focal[0] * W, 0.5 * H  # the sun and the tower; focal_y sits between sun and observation deck
    glow(img, sx, sy, 0.9 * W, "#ffc58a", 0.45, power=2.5)
    glow(img, sx, sy, 0.22 * W, "#fff0c8", 0.8)
    d = ImageDraw.Draw(img, "RGBA")
    d.ellipse((sx - 0.05 * W, sy - 0.05 * W, sx + 0.05 * W, sy + 0.05 * W), fill=rgb("#fff3d2"))
    # a few thin clouds
    for y, x0, x1, a in ((0.22, 0.05, 0.38, 40), (0.28, 0.12, 0.5, 30), (0.4, 0.52, 0.95, 45), (0.44, 0.6, 0.88, 35)):
        d.rounded_rectangle((x0 * W, y * H, x1 * W, y * H + 0.012 * H), radius=int(0.006 * H), fill=(255, 214, 200, a))

    warm = ["#ffd27a", "#ffe3a3", "#ffbf69"]
    for base, hmin, hmax, wmin, wmax, color, p in (
        (horizon - 0.02 * H, 0.08 * H, 0.27 * H, 0.018 * W, 0.045 * W, "#a5638a", 0.0),
        (horizon - 0.005 * H, 0.06 * H, 0.34 * H, 0.025 * W, 0.06 * W, "#5d3c72", 0.12),
        (horizon + 0.01 * H, 0.04 * H, 0.2 * H, 0.035 * W, 0.075 * W, "#2a1f45", 0.3),
    ):
        for rect in row_of_buildings(rng, -0.02 * W, W, base, hmin, hmax, wmin, wmax, (0, 0.006 * W)):
            if color == "#5d3c72" and abs((rect[0] + rect[2]) / 2 - sx) < 0.07 * W:
                rect = (rect[0], max(rect[1], base - 0.1 * H), rect[2], rect[3])  # keep the sun visible
            draw_building(d, rect, color, rng)
            if p:
                draw_windows(d, rect, rng, warm, p, (0.011 * W, 0.02 * H), (0.005 * W, 0.009 * H))

    # The landmark: a tapering tower with an observation ring and a spire.
    tx, base = sx, horizon + 0.01 * H
    dark = rgb("#21183a")
    d.polygon([(tx - 0.03 * W, base), (tx - 0.011 * W, 0.36 * H), (tx + 0.011 * W, 0.36 * H), (tx + 0.03 * W, base)], fill=dark)
    d.ellipse((tx - 0.03 * W, 0.33 * H, tx + 0.03 * W, 0.37 * H), fill=dark)
    d.rectangle((tx - 0.02 * W, 0.3 * H, tx + 0.02 * W, 0.345 * H), fill=dark)
    d.ellipse((tx - 0.02 * W, 0.29 * H, tx + 0.02 * W, 0.31 * H), fill=dark)
    d.polygon([(tx - 0.004 * W, 0.3 * H), (tx + 0.004 * W, 0.3 * H), (tx, 0.15 * H)], fill=dark)
    for i in range(7):  # lit ring of windows
        x = tx - 0.017 * W + i * 0.0056 * W
        d.rectangle((x, 0.317 * H, x + 0.003 * W, 0.325 * H), fill=rgba("#ffe3a3", 220))
    glow(img, tx, 0.15 * H, 0.012 * W, "#ff5a5a", 0.9)

    # Water: the skyline's reflection, then the sun's glitter path.
    band = img.crop((0, int(2 * horizon - H), W, int(horizon))).transpose(Image.FLIP_TOP_BOTTOM)
    band = band.filter(ImageFilter.GaussianBlur(0.004 * W))
    water = vgradient(W, H - int(horizon), [(0, "#4a3766"), (1, "#130f29")])
    img.paste(Image.blend(water, band.resize(water.size), 0.4), (0, int(horizon)))
    d = ImageDraw.Draw(img, "RGBA")
    for i in range(60):
        y = horizon + 0.01 * H + i * 0.0025 * H
        spread = 0.01 * W + (y - horizon) * 0.35
        x = sx + rng.uniform(-spread, spread)
        lw = rng.uniform(0.01, 0.04) * W * (1 - i / 80)
        d.rectangle((x - lw / 2, y, x + lw / 2, y + 0.0025 * H), fill=rgba("#ffd9a0", rng.uniform(60, 170)))
    d.rectangle((0, horizon - 1, W, horizon + 0.003 * H), fill=rgba("#ffe0b0", 90))
    vignette(img, 0.35)
    return finish(img, w, h)


def goals_and_vision(focal, w=1600, h=900):
    """A perspective street grid running to a sunrise on the horizon, left of centre, ringed by targets."""
    W, H = w * SS, h * SS
    rng = random.Random(202)
    hz = focal[1] * H
    vx, vy = focal[0] * W, hz  # the vanishing point, where the sun rises
    f = focal[1]
    img = vgradient(W, H, [(0, "#05262b"), (f * 0.48, "#0d4f52"), (f * 0.87, "#3a9c8a"), (f, "#c9f2d2"), (f + 0.001, "#0c3b37"), (1, "#03120f")])
    glow(img, vx, vy, 0.8 * W, "#9ff0c8", 0.45, power=2.2)
    glow(img, vx, vy, 0.16 * W, "#f4ffe4", 0.9)
    d = ImageDraw.Draw(img, "RGBA")
    for _ in range(70):  # a few fading stars
        x, y = rng.uniform(0, W), rng.uniform(0, 0.3 * H)
        r = rng.uniform(1, 2.4) * SS
        d.ellipse((x - r, y - r, x + r, y + r), fill=(220, 255, 240, int(rng.uniform(40, 150) * (1 - y / (0.3 * H)))))
    d.pieslice((vx - 0.045 * W, vy - 0.045 * W, vx + 0.045 * W, vy + 0.045 * W), 180, 360, fill=rgb("#fbfff0"))

    # Low skyline along the horizon, parted around the sunrise.
    for rect in row_of_buildings(rng, -0.01 * W, W, hz, 0.015 * H, 0.13 * H, 0.012 * W, 0.035 * W, (0, 0.004 * W)):
        mid = (rect[0] + rect[2]) / 2
        if abs(mid - vx) < 0.05 * W:
            continue
        near = min(1.0, abs(mid - vx) / (0.5 * W))
        rect = (rect[0], hz - (hz - rect[1]) * (0.35 + 0.65 * near), rect[2], rect[3])
        draw_building(d, rect, mix("#2f7f74", "#0a332f", near), rng)
        draw_windows(d, rect, rng, ["#c9ffe6", "#7ff5cf"], 0.18, (0.007 * W, 0.014 * H), (0.003 * W, 0.006 * H))

    # Grid lines on the ground, faded towards the horizon through a mask.
    grid = Image.new("L", (W, H), 0)
    g = ImageDraw.Draw(grid)
    for i in range(-160, 161):  # far enough out that the shallow lines reach the horizon at the sides
        xb = vx + i * 0.07 * W
        g.line([(vx, vy), (xb, H)], fill=255, width=SS * 2)
    k = 0
    while True:
        y = hz + (H - hz) * 1.4 / (1 + k * 0.55) - (H - hz) * 0.4
        if y <= hz + 2:
            break
        if y <= H:
            g.line([(0, y), (W, y)], fill=255, width=SS * 2)
        k += 1
    fade = vgradient(W, H, [(0, "#000000"), (f, "#000000"), (f + 0.08, "#3a3a3a"), (1, "#d0d0d0")]).convert("L")
    fill_through(img, ImageChops.multiply(grid, fade), "#5ef2c9")

    # The avenue: a bright road from the viewer to the sunrise, with a dashed centre line.
    road = Image.new("L", (W, H), 0)
    ImageDraw.Draw(road).polygon([(vx - 0.002 * W, vy), (vx + 0.002 * W, vy), (0.66 * W, H), (0.44 * W, H)], fill=255)
    road_fade = vgradient(W, H, [(0, "#000000"), (f, "#a0a0a0"), (1, "#3c3c3c")]).convert("L")
    fill_through(img, ImageChops.multiply(road, road_fade), "#b8ffe3")
    d = ImageDraw.Draw(img, "RGBA")
    for i in range(14):
        t0, t1 = 1 / (1 + i * 0.6), 1 / (1 + (i + 0.45) * 0.6)
        p = lambda t: (vx + (0.55 * W - vx) * t, vy + (H - vy) * t)
        d.line([p(t0), p(t1)], fill=(255, 255, 255, 200), width=max(SS, int(SS * 6 * t0)))

    # Target rings around the sunrise: the goals.
    for r, a in ((0.07, 150), (0.11, 110), (0.16, 80), (0.23, 50)):
        d.ellipse((vx - r * W, vy - r * W, vx + r * W, vy + r * W), outline=(200, 255, 235, a), width=SS * 2)
    for ang in (0, 90, 180, 270):
        a = math.radians(ang)
        d.line([(vx + 0.06 * W * math.cos(a), vy + 0.06 * W * math.sin(a)), (vx + 0.085 * W * math.cos(a), vy + 0.085 * W * math.sin(a))], fill=(230, 255, 245, 170), width=SS * 3)
    vignette(img, 0.4)
    return finish(img, w, h)


def buildmycity(focal, w=1600, h=900):
    """A night map of a street grid with a river; a new district upper right is lit and pinned."""
    W, H = w * SS, h * SS
    rng = random.Random(303)
    fx, fy = focal[0] * W, focal[1] * H + 0.04 * H  # the new district, in the final picture; the pin stands above it
    angle = -14
    BW, BH = int(W * 1.45), int(H * 1.9)
    # where the district falls on the unrotated map
    th = math.radians(angle)
    vx_, vy_ = fx - W / 2, fy - H / 2
    ux = vx_ * math.cos(th) - vy_ * math.sin(th)
    uy = vx_ * math.sin(th) + vy_ * math.cos(th)
    mx, my = BW / 2 + ux, BH / 2 + uy

    m = vgradient(BW, BH, [(0, "#2a1a2c"), (1, "#3d2424")])
    d = ImageDraw.Draw(m, "RGBA")
    bw, bh, st, av = 0.07 * W, 0.06 * W, 0.011 * W, 0.024 * W
    xs, x = [], 0.0
    i = 0
    while x < BW:
        wide = av if i % 4 == 3 else st
        xs.append((x, x + bw))
        x += bw + wide
        i += 1
    ys, y = [], 0.0
    i = 0
    while y < BH:
        wide = av if i % 3 == 2 else st
        ys.append((y, y + bh))
        y += bh + wide
        i += 1
    district_r = 0.15 * W
    lit = []
    for (x0, x1) in xs:
        for (y0, y1) in ys:
            cxb, cyb = (x0 + x1) / 2, (y0 + y1) / 2
            dist = math.hypot(cxb - mx, cyb - my)
            if dist < district_r:
                lit.append((x0, y0, x1, y1, dist))
                continue
            if rng.random() < 0.09:
                d.rounded_rectangle((x0, y0, x1, y1), radius=int(0.004 * W), fill=rgb("#34502f"))
                for _ in range(9):
                    tx, ty = rng.uniform(x0 + 8, x1 - 8), rng.uniform(y0 + 8, y1 - 8)
                    r = rng.uniform(0.004, 0.008) * W
                    d.ellipse((tx - r, ty - r, tx + r, ty + r), fill=rgb(rng.choice(["#4d6e3a", "#3f5f33", "#5b7d44"])))
                continue
            shade = rng.choice(["#4a2d3a", "#52313d", "#5a3740", "#45293a"])
            d.rounded_rectangle((x0, y0, x1, y1), radius=int(0.003 * W), fill=rgb(shade))
            # buildings inside the block
            n = rng.choice([1, 2, 2, 3, 4])
            for k in range(n):
                a0 = x0 + (x1 - x0) * k / n + 0.004 * W
                a1 = x0 + (x1 - x0) * (k + 1) / n - 0.004 * W
                b0 = y0 + rng.uniform(0.004, 0.012) * W
                b1 = y1 - rng.uniform(0.004, 0.012) * W
                if a1 - a0 > 4:
                    d.rectangle((a0, b0, a1, b1), fill=mix(shade, "#8a5a62", rng.uniform(0.25, 0.55)))
    # avenues lit in amber
    for i, (x0, x1) in enumerate(xs):
        if i % 4 == 3:
            d.line([(x1 + av / 2, 0), (x1 + av / 2, BH)], fill=(255, 179, 71, 110), width=SS * 3)
    for i, (y0, y1) in enumerate(ys):
        if i % 3 == 2:
            d.line([(0, y1 + av / 2), (BW, y1 + av / 2)], fill=(255, 179, 71, 110), width=SS * 3)
    # the district: bright built blocks, dashed planned ones
    for (x0, y0, x1, y1, dist) in lit:
        t = dist / district_r
        if rng.random() < 0.72:
            d.rounded_rectangle((x0, y0, x1, y1), radius=int(0.004 * W), fill=mix("#ffd166", "#f08a4b", t))
            for k in range(rng.choice([2, 3])):
                a0 = x0 + (x1 - x0) * k / 3 + 0.005 * W
                d.rectangle((a0, y0 + 0.008 * W, a0 + (x1 - x0) / 3 - 0.01 * W, y1 - 0.008 * W), fill=mix("#fff1c1", "#ffb36b", t))
        else:
            for (p, q) in (((x0, y0), (x1, y0)), ((x1, y0), (x1, y1)), ((x1, y1), (x0, y1)), ((x0, y1), (x0, y0))):
                segs = 8
                for s in range(0, segs, 2):
                    a = (p[0] + (q[0] - p[0]) * s / segs, p[1] + (q[1] - p[1]) * s / segs)
                    b = (p[0] + (q[0] - p[0]) * (s + 1) / segs, p[1] + (q[1] - p[1]) * (s + 1) / segs)
                    d.line([a, b], fill=rgb("#ffd166"), width=SS * 3)

    # the river, across the lower half, over the blocks it cuts through
    def river_edge(offset):
        pts = []
        for i in range(-2, 161):
            x = BW * i / 150
            y = BH * 0.68 + math.sin(x / BW * 5.2) * 0.07 * BH - x * 0.18
            dy = math.cos(x / BW * 5.2) * 0.07 * BH * 5.2 / BW - 0.18  # slope, for the normal
            n = math.hypot(1, dy)
            pts.append((x - offset * dy / n, y + offset * 1 / n))
        return pts

    for half_width, color in ((0.038 * W, "#1a2f3a"), (0.029 * W, "#1f5566")):
        d.polygon(river_edge(-half_width) + list(reversed(river_edge(half_width))), fill=rgb(color))
    d.line(river_edge(-0.018 * W), fill=(140, 220, 230, 60), width=SS * 2)

    img = m.rotate(angle, resample=Image.BICUBIC, center=(BW / 2, BH / 2))
    img = img.crop((int(BW / 2 - W / 2), int(BH / 2 - H / 2), int(BW / 2 - W / 2) + W, int(BH / 2 - H / 2) + H))
    vignette(img, 0.55)
    glow(img, fx, fy, 0.32 * W, "#ffb347", 0.35)

    # The pin and its rings, upright in the final picture.
    d = ImageDraw.Draw(img, "RGBA")
    for r, a in ((0.035, 200), (0.06, 130), (0.09, 70)):
        d.ellipse((fx - r * W, fy - r * W * 0.45, fx + r * W, fy + r * W * 0.45), outline=(255, 240, 210, a), width=SS * 3)
    pr = 0.022 * W
    top = fy - 0.1 * H
    shadow = Image.new("L", (W, H), 0)
    ImageDraw.Draw(shadow).ellipse((fx - pr * 0.8, fy - pr * 0.25, fx + pr * 0.8, fy + pr * 0.25), fill=150)
    fill_through(img, shadow.filter(ImageFilter.GaussianBlur(SS * 4)), "#1a0d10")
    d = ImageDraw.Draw(img, "RGBA")
    d.ellipse((fx - pr, top - pr, fx + pr, top + pr), fill=rgb("#e63946"))
    d.polygon([(fx - pr * 0.86, top + pr * 0.5), (fx + pr * 0.86, top + pr * 0.5), (fx, fy)], fill=rgb("#e63946"))
    d.polygon([(fx, top - pr), (fx + pr, top), (fx + pr * 0.86, top + pr * 0.5), (fx, fy)], fill=(120, 0, 20, 60))
    d.ellipse((fx - pr * 0.4, top - pr * 0.4, fx + pr * 0.4, top + pr * 0.4), fill=rgb("#fff4e6"))
    return finish(img, w, h)


# --- the post cover -------------------------------------------------------------------------


def this_is_wsco(focal, w=1200, h=675):
    """A night skyline whose rooftops are linked as a network; the hub glows left of centre."""
    W, H = w * SS, h * SS
    rng = random.Random(404)
    img = vgradient(W, H, [(0, "#040a1c"), (0.45, "#0b1d3f"), (0.75, "#154070"), (1, "#1d5b88")])
    hx, hy = focal[0] * W, focal[1] * H  # the hub
    glow(img, hx, hy, 0.5 * W, "#1f7fbf", 0.45)
    d = ImageDraw.Draw(img, "RGBA")
    for _ in range(110):
        x, y = rng.uniform(0, W), rng.uniform(0, 0.55 * H)
        r = rng.uniform(0.8, 2.0) * SS
        d.ellipse((x - r, y - r, x + r, y + r), fill=(210, 235, 255, int(rng.uniform(40, 170))))

    cyan = ["#7fe7ff", "#bdf4ff", "#5cc8f0"]
    for rect in row_of_buildings(rng, -0.01 * W, W, 0.88 * H, 0.12 * H, 0.36 * H, 0.02 * W, 0.05 * W, (0, 0.004 * W)):
        draw_building(d, rect, rgb("#11335a"), rng)
    roofs = []
    near = row_of_buildings(rng, -0.02 * W, W, H, 0.18 * H, 0.5 * H, 0.04 * W, 0.085 * W, (0.004 * W, 0.012 * W))
    for rect in near:
        mid = (rect[0] + rect[2]) / 2
        if abs(mid - hx) < 0.05 * W:
            continue
        roofs.append(draw_building(d, rect, rgb("#07142b"), rng))
        draw_windows(d, rect, rng, cyan, 0.22, (0.012 * W, 0.022 * H), (0.005 * W, 0.008 * H), (70, 200))
    # the hub's tower, just under the hub
    d.polygon([(hx - 0.035 * W, H), (hx - 0.022 * W, 0.44 * H), (hx + 0.022 * W, 0.44 * H), (hx + 0.035 * W, H)], fill=rgb("#07142b"))
    d.rectangle((hx - 0.004 * W, 0.38 * H, hx + 0.004 * W, 0.44 * H), fill=rgb("#07142b"))
    draw_windows(d, (hx - 0.022 * W, 0.47 * H, hx + 0.022 * W, H), rng, cyan, 0.35, (0.009 * W, 0.02 * H), (0.004 * W, 0.008 * H), (90, 220))

    # Network: rooftop nodes and a few in the sky, linked to their nearest neighbours and to the hub.
    nodes = [(x, y) for x, y in roofs if y < 0.8 * H]
    nodes += [(rng.uniform(0.05, 0.95) * W, rng.uniform(0.1, 0.45) * H) for _ in range(9)]
    links = set()
    for i, (x, y) in enumerate(nodes):
        near_ids = sorted(range(len(nodes)), key=lambda j: math.hypot(nodes[j][0] - x, nodes[j][1] - y))[1:3]
        for j in near_ids:
            links.add((min(i, j), max(i, j)))
    for i, j in sorted(links):
        d.line([nodes[i], nodes[j]], fill=(92, 225, 230, 90), width=SS * 2)
    by_distance = sorted(nodes, key=lambda p: math.hypot(p[0] - hx, p[1] - hy))
    for p in by_distance[:9]:
        d.line([(hx, hy), p], fill=(150, 240, 255, 160), width=SS * 3)
    for x, y in nodes:
        glow(img, x, y, 0.02 * W, "#5ce1e6", 0.7)
    d = ImageDraw.Draw(img, "RGBA")
    for x, y in nodes:
        r = 0.004 * W
        d.ellipse((x - r, y - r, x + r, y + r), fill=rgb("#e6fcff"))
    for r, a in ((0.05, 140), (0.085, 80), (0.125, 40)):
        d.ellipse((hx - r * W, hy - r * W, hx + r * W, hy + r * W), outline=(160, 240, 255, a), width=SS * 2)
    glow(img, hx, hy, 0.09 * W, "#9ff3ff", 0.95)
    d = ImageDraw.Draw(img, "RGBA")
    r = 0.012 * W
    d.ellipse((hx - r, hy - r, hx + r, hy + r), fill=rgb("#ffffff"))
    vignette(img, 0.4)
    return finish(img, w, h)


# --- partner logos: hand-written SVG ----------------------------------------------------------

LOGOS = {
    "partner-ministry-of-urban-development.svg": """\
<svg xmlns="http://www.w3.org/2000/svg" width="320" height="120" viewBox="0 0 320 120" role="img" aria-labelledby="title">
  <title id="title">Demo Ministry of Urban Development</title>
  <rect width="320" height="120" rx="12" fill="#f7f5ef"/>
  <g fill="#1f3a5f">
    <path d="M60 16 L102 38 H18 Z"/>
    <rect x="22" y="41" width="76" height="6"/>
    <rect x="29" y="51" width="8" height="38"/>
    <rect x="47" y="51" width="8" height="38"/>
    <rect x="65" y="51" width="8" height="38"/>
    <rect x="83" y="51" width="8" height="38"/>
    <rect x="20" y="91" width="80" height="5"/>
    <rect x="16" y="98" width="88" height="6"/>
  </g>
  <circle cx="60" cy="30" r="4.5" fill="#c9a227"/>
  <text x="120" y="52" font-family="sans-serif" font-size="13" font-weight="700" letter-spacing="3" fill="#1f3a5f">MINISTRY OF</text>
  <text x="120" y="75" font-family="sans-serif" font-size="14" font-weight="700" fill="#1f3a5f">URBAN DEVELOPMENT</text>
  <rect x="120" y="88" width="64" height="3" fill="#c9a227"/>
</svg>
""",
    "partner-city-hall-of-northbridge.svg": """\
<svg xmlns="http://www.w3.org/2000/svg" width="320" height="120" viewBox="0 0 320 120" role="img" aria-labelledby="title">
  <title id="title">Demo City Hall of Northbridge</title>
  <rect width="320" height="120" rx="12" fill="#ffffff"/>
  <g transform="translate(14 14)">
    <circle cx="46" cy="46" r="44" fill="#0f766e"/>
    <path d="M46 10 L49 21 L60 24 L49 27 L46 38 L43 27 L32 24 L43 21 Z" fill="#fbbf24"/>
    <g fill="none" stroke="#ffffff" stroke-linecap="round">
      <path d="M16 62 Q46 34 76 62" stroke-width="4"/>
      <path d="M8 62 H84" stroke-width="4"/>
      <path d="M28 53 V62 M37 49.3 V62 M46 48 V62 M55 49.3 V62 M64 53 V62" stroke-width="2"/>
    </g>
    <g fill="none" stroke="#99f6e4" stroke-width="3" stroke-linecap="round">
      <path d="M20 72 q7 -4 14 0 t14 0 t14 0 t14 0"/>
      <path d="M28 80 q7 -4 14 0 t14 0 t14 0"/>
    </g>
  </g>
  <text x="122" y="60" font-family="sans-serif" font-size="26" font-weight="700" fill="#0f766e">Northbridge</text>
  <text x="124" y="84" font-family="sans-serif" font-size="13" font-weight="700" letter-spacing="5" fill="#b45309">CITY HALL</text>
</svg>
""",
    "partner-university-of-urban-sciences.svg": """\
<svg xmlns="http://www.w3.org/2000/svg" width="320" height="120" viewBox="0 0 320 120" role="img" aria-labelledby="title">
  <title id="title">Demo University of Urban Sciences</title>
  <rect width="320" height="120" rx="12" fill="#fdfaf3"/>
  <path d="M20 14 H96 V58 C96 86 76 100 58 107 C40 100 20 86 20 58 Z" fill="#7f1d1d"/>
  <path d="M26 20 H90 V58 C90 82 73 94 58 100 C43 94 26 82 26 58 Z" fill="none" stroke="#d4a017" stroke-width="2"/>
  <path d="M34 36 Q46 30 57 36 V58 Q46 52 34 58 Z M59 36 Q70 30 82 36 V58 Q70 52 59 58 Z" fill="#fdfaf3"/>
  <path d="M38 40 Q46 37 53 40 M38 46 Q46 43 53 46 M63 40 Q70 37 78 40 M63 46 Q70 43 78 46" fill="none" stroke="#7f1d1d" stroke-width="1.2"/>
  <text x="58" y="83" text-anchor="middle" font-family="serif" font-size="16" font-weight="700" letter-spacing="2" fill="#d4a017">UUS</text>
  <text x="114" y="52" font-family="serif" font-size="20" fill="#7f1d1d">University of</text>
  <text x="114" y="78" font-family="serif" font-size="21" font-weight="700" fill="#7f1d1d">Urban Sciences</text>
  <rect x="114" y="88" width="150" height="1.5" fill="#d4a017"/>
</svg>
""",
    "partner-smart-grid-solutions.svg": """\
<svg xmlns="http://www.w3.org/2000/svg" width="320" height="120" viewBox="0 0 320 120" role="img" aria-labelledby="title">
  <title id="title">Demo Smart Grid Solutions</title>
  <rect width="320" height="120" rx="12" fill="#0b1f33"/>
  <polygon points="60,20 94.6,40 94.6,80 60,100 25.4,80 25.4,40" fill="#0f2d4a" stroke="#22d3ee" stroke-width="4" stroke-linejoin="round"/>
  <path d="M66 30 L44 64 H58 L52 90 L76 54 H62 Z" fill="#a3e635"/>
  <g fill="#22d3ee">
    <circle cx="60" cy="20" r="5"/>
    <circle cx="94.6" cy="40" r="5"/>
    <circle cx="94.6" cy="80" r="5"/>
    <circle cx="60" cy="100" r="5"/>
    <circle cx="25.4" cy="80" r="5"/>
    <circle cx="25.4" cy="40" r="5"/>
  </g>
  <text x="116" y="62" font-family="sans-serif" font-size="30" font-weight="700" fill="#ffffff">Smart<tspan fill="#a3e635">Grid</tspan></text>
  <text x="118" y="86" font-family="sans-serif" font-size="12" font-weight="700" letter-spacing="6" fill="#22d3ee">SOLUTIONS</text>
</svg>
""",
    "partner-alliance-for-sustainable-cities.svg": """\
<svg xmlns="http://www.w3.org/2000/svg" width="320" height="120" viewBox="0 0 320 120" role="img" aria-labelledby="title">
  <title id="title">Demo Alliance for Sustainable Cities</title>
  <rect width="320" height="120" rx="12" fill="#ffffff"/>
  <g fill-opacity="0.82">
    <circle cx="47" cy="46" r="24" fill="#15803d"/>
    <circle cx="73" cy="46" r="24" fill="#0284c7"/>
    <circle cx="60" cy="69" r="24" fill="#84cc16"/>
  </g>
  <path d="M60 44 C72 48 72 64 60 72 C48 64 48 48 60 44 Z" fill="#ffffff"/>
  <path d="M60 50 V70" stroke="#15803d" stroke-width="2" stroke-linecap="round"/>
  <text x="112" y="56" font-family="sans-serif" font-size="34" font-weight="800" letter-spacing="3" fill="#14532d">ASC</text>
  <text x="113" y="78" font-family="sans-serif" font-size="13" fill="#0369a1">Alliance for</text>
  <text x="113" y="95" font-family="sans-serif" font-size="13" font-weight="700" fill="#0369a1">Sustainable Cities</text>
</svg>
""",
}


# --- the table: what to draw, and what the manifest says about it ---------------------------

MEDIA = [
    dict(file="expert-john-marwel.png", draw=portrait, focal=(0.47, 0.31), title="John Marwel",
         alt="Illustrated portrait of John Marwel: head and shoulders, in a dark suit and red tie, on a teal background"),
    dict(file="partner-ministry-of-urban-development.svg", title="Demo Ministry of Urban Development",
         alt="Logo of the Demo Ministry of Urban Development: a columned government building beside the ministry's name"),
    dict(file="partner-city-hall-of-northbridge.svg", title="Demo City Hall of Northbridge",
         alt="Logo of the Demo City Hall of Northbridge: a bridge over water under a north star, with the words Northbridge City Hall"),
    dict(file="partner-university-of-urban-sciences.svg", title="Demo University of Urban Sciences",
         alt="Logo of the Demo University of Urban Sciences: a shield with an open book and the initials UUS"),
    dict(file="partner-smart-grid-solutions.svg", title="Demo Smart Grid Solutions",
         alt="Logo of Demo Smart Grid Solutions: a lightning bolt inside a hexagon of connected nodes, with the words SmartGrid Solutions"),
    dict(file="partner-alliance-for-sustainable-cities.svg", title="Demo Alliance for Sustainable Cities",
         alt="Logo of the Demo Alliance for Sustainable Cities: three overlapping circles around a leaf, with the initials ASC"),
    dict(file="page-who-we-are.jpg", draw=who_we_are, focal=(0.7, 0.38), title="Who we are",
         alt="Illustration of a city skyline at dusk, with a landmark tower standing in front of the setting sun and reflected in the water"),
    dict(file="page-our-goals-and-vision.jpg", draw=goals_and_vision, focal=(0.3, 0.52), title="Our goals and vision",
         alt="Illustration of a street grid in perspective, its main avenue leading to a sunrise on the horizon, circled by target rings"),
    dict(file="page-buildmycity.jpg", draw=buildmycity, focal=(0.64, 0.36), title="#BuildMyCity",
         alt="Illustrated night map of a city's street grid and river, with a new district lit up in gold and marked with a pin"),
    dict(file="post-this-is-wsco.jpg", draw=this_is_wsco, focal=(0.36, 0.34), title="This is WSCO",
         alt="Illustration of a city skyline at night, its rooftops linked by glowing lines into a network around a bright central hub"),
]


def toml_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_manifest():
    lines = ["# Demo media for the seed content: files in schema/seed/media/, drawn by scripts/draw-seed-media.py."]
    for m in MEDIA:
        lines += ["", "[[media]]", f"file = {toml_string(m['file'])}", f"alt = {toml_string(m['alt'])}", f"title = {toml_string(m['title'])}"]
        if "focal" in m:
            lines += [f"focal_x = {m['focal'][0]}", f"focal_y = {m['focal'][1]}"]
    MANIFEST.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for m in MEDIA:
        name = m["file"]
        if name.endswith(".svg"):
            (OUT / name).write_text(LOGOS[name], encoding="utf-8")
        elif name.endswith(".png"):
            save_png(m["draw"](m["focal"]), name)
        else:
            save_jpeg(m["draw"](m["focal"]), name)
        print(f"{(OUT / name).stat().st_size:>8}  {name}")
    write_manifest()
    print(f"wrote {MANIFEST.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
