//! The traffic patterns as events: who sends each message, and when the
//! server delivers it. Message 1 is always Alice's first message, sent and
//! delivered during the handshake.

use super::options::{Party, Pattern};

/// One thing that happens, in order. Messages are numbered from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The sender encrypts the message and hands it to the server.
    Send(usize),
    /// The server hands the message to its receiver, who decrypts it.
    Deliver(usize),
}

/// The message the `late` pattern holds back, and after which message it arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeldBack {
    pub message: usize,
    pub delivered_after: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// `senders[i - 1]` sends message `i`.
    pub senders: Vec<Party>,
    pub events: Vec<Event>,
    pub held_back: Option<HeldBack>,
}

impl Schedule {
    pub fn sender(&self, message: usize) -> Party {
        self.senders[message - 1]
    }

    /// Where in `events` something happened.
    pub fn position(&self, event: Event) -> Option<usize> {
        self.events.iter().position(|e| *e == event)
    }
}

fn sender(pattern: Pattern, message: usize) -> Party {
    let alice_if = |yes: bool| if yes { Party::Alice } else { Party::Bob };
    match pattern {
        Pattern::PingPong | Pattern::Late => alice_if(message % 2 == 1),
        Pattern::AliceOnly => Party::Alice,
        Pattern::Bursts => alice_if((message - 1) / 3 % 2 == 0),
    }
}

/// How many later messages overtake the held-back one (at most; fewer when the
/// conversation ends sooner). In strict alternation each of Alice's messages
/// brings Bob a new receiving chain, and libsignal keeps only the 5 newest
/// (libsignal src/consts.rs:10 MAX_RECEIVER_CHAINS): a message held back much longer
/// would find its chain, and the key stored in it, gone.
pub const OVERTAKEN_BY: usize = 6;

/// `late`: one of Alice's messages about a third of the way in waits at the
/// server while up to [`OVERTAKEN_BY`] later messages overtake it (at least
/// two, so its receiver has to keep its key).
fn held_back(pattern: Pattern, messages: usize) -> Option<HeldBack> {
    if pattern != Pattern::Late || messages < pattern.min_messages() {
        return None;
    }
    let third = (messages / 3).max(3);
    // Alice sends the odd-numbered messages.
    let message = if third % 2 == 1 { third } else { third + 1 };
    let delivered_after = (message + OVERTAKEN_BY).min(messages);
    Some(HeldBack {
        message,
        delivered_after,
    })
}

/// The events of a conversation of `messages` messages.
pub fn schedule(pattern: Pattern, messages: usize) -> Schedule {
    let held_back = held_back(pattern, messages);
    let mut events = Vec::with_capacity(2 * messages);
    for i in 1..=messages {
        events.push(Event::Send(i));
        if held_back.is_none_or(|h| h.message != i) {
            events.push(Event::Deliver(i));
        }
        if let Some(h) = held_back.filter(|h| h.delivered_after == i) {
            events.push(Event::Deliver(h.message));
        }
    }
    Schedule {
        senders: (1..=messages).map(|i| sender(pattern, i)).collect(),
        events,
        held_back,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_is_sent_once_and_delivered_once_after_it_was_sent() {
        for pattern in Pattern::ALL {
            for n in [5, 6, 12, 37, 1000] {
                let s = schedule(pattern, n);
                for i in 1..=n {
                    let sent = s.position(Event::Send(i)).unwrap();
                    let delivered = s.position(Event::Deliver(i)).unwrap();
                    assert!(sent < delivered, "{pattern} {n}: message {i}");
                    let count = s
                        .events
                        .iter()
                        .filter(|e| **e == Event::Send(i) || **e == Event::Deliver(i))
                        .count();
                    assert_eq!(count, 2);
                }
            }
        }
    }

    #[test]
    fn patterns_decide_who_sends() {
        let names = |p, n| -> String {
            schedule(p, n)
                .senders
                .iter()
                .map(|s| &s.name()[..1])
                .collect()
        };
        assert_eq!(names(Pattern::PingPong, 6), "ABABAB");
        assert_eq!(names(Pattern::AliceOnly, 4), "AAAA");
        assert_eq!(names(Pattern::Bursts, 8), "AAABBBAA");
    }

    #[test]
    fn the_late_message_is_alices_and_overtaken_by_at_least_two() {
        for n in [5, 6, 7, 12, 100, 1000] {
            let s = schedule(Pattern::Late, n);
            let h = s.held_back.unwrap();
            assert_eq!(s.sender(h.message), Party::Alice);
            assert!(h.delivered_after >= h.message + 2 && h.delivered_after <= n);
            let delivered = s.position(Event::Deliver(h.message)).unwrap();
            let next_sent = s.position(Event::Send(h.message + 1)).unwrap();
            assert!(delivered > next_sent);
        }
        assert_eq!(schedule(Pattern::PingPong, 12).held_back, None);
    }
}
