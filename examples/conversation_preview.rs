//! Temporary: run a conversation and print its checks and ledger.
//!   cargo run --example conversation_preview -- SEED MESSAGES PATTERN [AT WHO [quantum]]
use pqxdh_lab::conversation::{self, Compromise, ConversationOptions};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str);
    let options = ConversationOptions {
        seed: arg(0).map_or(7, |s| s.parse().unwrap()),
        messages: arg(1).map_or(12, |s| s.parse().unwrap()),
        pattern: arg(2)
            .map_or(Ok(conversation::Pattern::PingPong), str::parse)
            .unwrap(),
        compromise: arg(3).map(|at| Compromise {
            at: at.parse().unwrap(),
            who: arg(4).unwrap_or("bob").parse().unwrap(),
        }),
        quantum: arg(5) == Some("quantum"),
        ..ConversationOptions::default()
    };
    let start = std::time::Instant::now();
    let c = conversation::run(options).unwrap();
    eprintln!("run: {:?}", start.elapsed());
    if std::env::var("FORMAT").as_deref() == Ok("text") {
        print!("{}", conversation::text::render_text(&c));
        return;
    }
    if std::env::var("FORMAT").as_deref() == Ok("json") {
        print!("{}", conversation::json::render_json(&c));
        return;
    }
    for check in &c.checks {
        println!(
            "{} {}: {}",
            if check.passed { "ok  " } else { "FAIL" },
            check.name,
            check.detail
        );
    }
    for m in &c.messages {
        let l = c.ledger.get(m.index - 1);
        println!(
            "#{:<4} {:5} {:?} ctr {} prev {} step {} pq {} spqr {} e{:?}/{:?} {} {}",
            m.index,
            m.from.name(),
            m.kind,
            m.counter,
            m.previous_counter,
            m.dh_ratchet_step,
            m.pq_key.is_some(),
            m.spqr.braid_state,
            m.spqr.braid_epoch,
            m.spqr.chain_epoch,
            l.map_or("", |l| if l.attacker_reads { "READ" } else { "----" }),
            l.map_or("", |l| l.reason.as_str()),
        );
    }
}
