//! Progress bars on standard error. indicatif draws them only when standard error is a
//! terminal, so piped or captured output never holds them.

use indicatif::{ProgressBar, ProgressStyle};

fn styled(bar: ProgressBar, template: &str) -> ProgressBar {
    match ProgressStyle::with_template(template) {
        Ok(style) => bar.with_style(style.progress_chars("=> ")),
        Err(_) => bar,
    }
}

/// A bar counting things (entries, files) up to `length`.
pub fn bar(length: usize, message: &'static str) -> ProgressBar {
    styled(
        ProgressBar::new(length as u64).with_message(message),
        "{msg} [{bar:30}] {pos}/{len}",
    )
}

/// A bar counting the bytes of one file as they are sent or received.
pub fn bytes(length: u64, message: String) -> ProgressBar {
    styled(
        ProgressBar::new(length).with_message(message),
        "{msg} [{bar:30}] {bytes}/{total_bytes}",
    )
}
