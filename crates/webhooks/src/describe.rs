//! Turns transport failures into sentences an endpoint's owner can act on: reqwest's
//! own messages ("error sending request for url ...") hide the cause in the source chain.

use std::error::Error;
use std::io;
use std::time::Duration;

use crate::resolver::{ResolveFailed, ResolvedToBlocked};

/// A failed request in words, and whether the SSRF policy stopped it.
pub(crate) fn describe(
    error: &reqwest::Error,
    timeout: Duration,
    connect_timeout: Duration,
) -> (String, bool) {
    let mut innermost: &(dyn Error + 'static) = error;
    let mut io_kind = None;
    let mut next: Option<&(dyn Error + 'static)> = Some(error);
    while let Some(current) = next {
        // io::Error::source() skips the error it wraps, so look inside it as well.
        let wrapped = current
            .downcast_ref::<io::Error>()
            .and_then(|io| io.get_ref())
            .map(|inner| inner as &(dyn Error + 'static));
        for candidate in [Some(current), wrapped].into_iter().flatten() {
            if let Some(blocked) = candidate.downcast_ref::<ResolvedToBlocked>() {
                return (blocked.to_string(), true);
            }
            if let Some(failed) = candidate.downcast_ref::<ResolveFailed>() {
                return (failed.to_string(), false);
            }
        }
        if let Some(io) = current.downcast_ref::<io::Error>() {
            io_kind = io_kind.or(Some(io.kind()));
        }
        innermost = current;
        next = current.source();
    }
    let text = if error.is_timeout() && error.is_connect() {
        format!("could not connect within {}", human(connect_timeout))
    } else if error.is_timeout() {
        format!("timed out after {}", human(timeout))
    } else {
        match io_kind {
            Some(io::ErrorKind::ConnectionRefused) => "connection refused".to_owned(),
            Some(io::ErrorKind::ConnectionReset) => "connection reset by the receiver".to_owned(),
            Some(io::ErrorKind::ConnectionAborted) => "connection aborted".to_owned(),
            Some(io::ErrorKind::TimedOut) => format!("timed out after {}", human(timeout)),
            _ if error.is_connect() => format!("could not connect: {innermost}"),
            _ => format!("request failed: {innermost}"),
        }
    };
    (text, false)
}

/// "15 s" or "300 ms": whole seconds when exact, as configured timeouts usually are.
pub(crate) fn human(duration: Duration) -> String {
    let millis = duration.as_millis();
    if millis >= 1000 && millis.is_multiple_of(1000) {
        format!("{} s", millis / 1000)
    } else {
        format!("{millis} ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_configured() {
        assert_eq!(human(Duration::from_secs(15)), "15 s");
        assert_eq!(human(Duration::from_millis(300)), "300 ms");
        assert_eq!(human(Duration::from_millis(1500)), "1500 ms");
    }
}
