//! placeholder
use super::model::Conversation;
pub fn to_json(_c: &Conversation) -> serde_json::Value {
    serde_json::Value::Null
}
