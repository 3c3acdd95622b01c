//! placeholder
use super::model::Conversation;
pub fn render_text(_c: &Conversation) -> String {
    String::new()
}
