//! Printing a command's result on standard output, the same way for every
//! command.
//!
//! `println!` panics when standard output is closed or full. Here a closed
//! pipe (`pqxdh-lab … | head`) means the reader has seen enough, so the rest
//! is dropped without a word; any other failure (a full disk, say) becomes an
//! error like every other: a message and a non-zero exit.

use std::io::{self, Write};

/// Prints `text` on standard output. `what` names the text in the error
/// message: "could not write {what}: …".
pub(crate) fn print(text: &str, what: &str) -> Result<(), String> {
    write_to(&mut io::stdout().lock(), text, what)
}

fn write_to(out: &mut impl Write, text: &str, what: &str) -> Result<(), String> {
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(format!("could not write {what}: {e}"))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Standard output that fails every write the way a real one can.
    struct Failing(io::ErrorKind);

    impl Write for Failing {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::new(self.0, "the test's failure"))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_text_arrives_whole() {
        let mut out = Vec::new();
        write_to(&mut out, "line one\nline two\n", "the text").unwrap();
        assert_eq!(out, b"line one\nline two\n");
    }

    #[test]
    fn a_closed_pipe_is_not_an_error() {
        let mut out = Failing(io::ErrorKind::BrokenPipe);
        assert_eq!(write_to(&mut out, "text", "the text"), Ok(()));
    }

    #[test]
    fn other_failures_are_errors_that_say_what_was_lost() {
        let mut out = Failing(io::ErrorKind::StorageFull);
        let e = write_to(&mut out, "text", "the transcript").unwrap_err();
        assert_eq!(e, "could not write the transcript: the test's failure");
    }
}
