//! Alice | Server | Bob after the current event: each party's ratchet (root
//! key, sending chain, receiving chains, skipped keys it stores), what changed
//! marked new, and the message key the event used and deleted; the server
//! column holds the messages in transit and what it can read of the current one.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::conversation::{ChainState, Event, Party, RatchetState};
use crate::transcript::Actor;
use crate::tui::conversation::ConversationScreen;
use crate::tui::theme::{self, Theme};
use crate::views::hexfmt::short_hex;

const LABEL: usize = 12;

pub fn draw(frame: &mut Frame, area: Rect, screen: &ConversationScreen, theme: &Theme) {
    let [alice, server, bob] = Layout::horizontal([Constraint::Ratio(1, 3); 3]).areas(area);
    party(frame, alice, screen, Party::Alice, theme);
    server_column(frame, server, screen, theme);
    party(frame, bob, screen, Party::Bob, theme);
}

/// One column, full width (small screens).
pub fn draw_one(
    frame: &mut Frame,
    area: Rect,
    screen: &ConversationScreen,
    actor: Actor,
    theme: &Theme,
) {
    match actor {
        Actor::Alice => party(frame, area, screen, Party::Alice, theme),
        Actor::Bob => party(frame, area, screen, Party::Bob, theme),
        // The attacker's view is the server's: what crosses it.
        Actor::Server | Actor::Attacker => server_column(frame, area, screen, theme),
    }
}

fn state(screen: &ConversationScreen, at: usize, p: Party) -> &RatchetState {
    let moment = &screen.conversation.moments[at];
    match p {
        Party::Alice => &moment.alice,
        Party::Bob => &moment.bob,
    }
}

/// "label  hex" with the `+` mark and highlight when the value is new here.
fn keyed(label: &str, bytes: &[u8], new: bool, width: usize, theme: &Theme) -> Line<'static> {
    let hex_width = width.saturating_sub(LABEL + 3);
    let hex = if hex_width < 12 {
        String::new()
    } else {
        short_hex(bytes, hex_width)
    };
    Line::from(vec![
        Span::styled(if new { theme::NEW_GLYPH } else { " " }, theme.new),
        Span::styled(theme::SECRET_GLYPH, theme.secret),
        Span::raw(" "),
        Span::styled(
            format!("{label:<LABEL$}"),
            if new { theme.new } else { theme.text },
        ),
        Span::styled(hex, theme.dim),
    ])
}

fn chain_lines(
    title: &str,
    chain: &ChainState,
    before: Option<&ChainState>,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let new_chain = before.is_none_or(|b| b.ratchet_key != chain.ratchet_key);
    let advanced = before.is_none_or(|b| b.chain_key != chain.chain_key);
    let ratchet = short_hex(
        &chain.ratchet_key,
        width.saturating_sub(title.len() + 12).max(8),
    );
    vec![
        Line::from(vec![
            Span::styled(if new_chain { theme::NEW_GLYPH } else { " " }, theme.new),
            Span::styled(theme::PUBLIC_GLYPH, theme.public),
            Span::styled(
                format!(" {title} "),
                if new_chain { theme.new } else { theme.title },
            ),
            Span::styled(format!("next #{} ", chain.next), theme.dim),
            Span::styled(ratchet, theme.dim),
        ]),
        keyed("  chain key", &chain.chain_key, advanced, width, theme),
    ]
}

fn party(frame: &mut Frame, area: Rect, screen: &ConversationScreen, p: Party, theme: &Theme) {
    let width = usize::from(area.width.saturating_sub(2));
    let now = state(screen, screen.event, p);
    let before = screen.event.checked_sub(1).map(|at| state(screen, at, p));
    let mut lines = vec![keyed(
        "root key",
        &now.root_key,
        before.is_some_and(|b| b.root_key != now.root_key),
        width,
        theme,
    )];
    lines.extend(chain_lines(
        "sending",
        &now.sending,
        before.map(|b| &b.sending),
        width,
        theme,
    ));
    for chain in now.receiving.iter().rev() {
        let old = before.and_then(|b| {
            b.receiving
                .iter()
                .find(|c| c.ratchet_key == chain.ratchet_key)
        });
        lines.extend(chain_lines("receiving", chain, old, width, theme));
    }
    for (ratchet_key, counter, seed) in &now.stored {
        // Which message this skipped key is for: the peer's message with this
        // ratchet key and counter.
        let index = screen
            .conversation
            .messages
            .iter()
            .find(|m| m.from == p.peer() && m.ratchet_key == *ratchet_key && m.counter == *counter)
            .map_or_else(|| format!("n{counter}"), |m| m.index.to_string());
        lines.push(keyed(
            &format!("stored #{index}"),
            seed,
            before.is_some_and(|b| !b.stored.iter().any(|s| s.2 == *seed)),
            width,
            theme,
        ));
    }
    // The message key this event used: dropped as soon as it is used.
    let m = screen.message();
    let used = match screen.current_event() {
        Event::Send(_) if m.from == p => Some("encrypted"),
        Event::Deliver(_) if m.from.peer() == p => Some("decrypted"),
        _ => None,
    };
    if let Some(how) = used {
        lines.push(Line::from(vec![
            Span::styled(theme::DELETED_GLYPH, theme.new),
            Span::styled(theme::SECRET_GLYPH, theme.dim),
            Span::raw(" "),
            Span::styled(format!("key #{}", m.index), theme.deleted),
            Span::styled(format!(" {how}, deleted"), theme.new),
        ]));
    }
    let subtitle = "ratchet state";
    let actor = match p {
        Party::Alice => Actor::Alice,
        Party::Bob => Actor::Bob,
    };
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(Line::from(
            vec![
                Span::styled(format!(" {} ", p.name()), theme.party(actor)),
                Span::styled(format!("{subtitle} "), theme.dim),
            ],
        ))),
        area,
    );
}

fn server_column(frame: &mut Frame, area: Rect, screen: &ConversationScreen, theme: &Theme) {
    let width = usize::from(area.width.saturating_sub(2));
    let c = &screen.conversation;
    let events = &screen.events()[..=screen.event];
    let sent = |i: usize| events.contains(&Event::Send(i));
    let delivered = |i: usize| events.contains(&Event::Deliver(i));
    let mut lines = Vec::new();
    let m = screen.message();
    lines.push(Line::from(Span::styled(
        format!("#{} {} → {}", m.index, m.from.name(), m.from.peer().name()),
        theme.title,
    )));
    lines.push(Line::from(Span::styled(
        format!("{}, {} B", m.kind.name(), m.wire.len()),
        theme.text,
    )));
    lines.push(Line::from(vec![
        Span::styled(theme::PUBLIC_GLYPH, theme.public),
        Span::raw(" ratchet "),
        Span::styled(
            short_hex(&m.ratchet_key, width.saturating_sub(11)),
            theme.dim,
        ),
    ]));
    lines.push(Line::from(Span::styled(
        format!("counter {}, previous {}", m.counter, m.previous_counter),
        theme.dim,
    )));
    if m.spqr.message_len > 0 {
        lines.push(Line::from(Span::styled(
            format!("SPQR field {} B", m.spqr.message_len),
            theme.dim,
        )));
    }
    lines.push(Line::from(Span::styled(
        "ciphertext and MAC: opaque",
        theme.dim,
    )));
    let waiting: Vec<String> = (1..=c.messages.len())
        .filter(|&i| sent(i) && !delivered(i))
        .map(|i| format!("#{i}"))
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(
        if waiting.is_empty() {
            "in transit: nothing".to_string()
        } else {
            format!("in transit: {}", waiting.join(", "))
        },
        theme.text,
    )));
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(Line::from(
            vec![
                Span::styled(" Server ", theme.party(Actor::Server)),
                Span::styled("sees only this ", theme.dim),
            ],
        ))),
        area,
    );
}
