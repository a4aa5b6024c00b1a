//! References to functions inside a page: what a widget's `on_change`
//! callback or a fragment calls when the host asks for it.

/// One function of the page and the arguments to call it with. The host
/// never interprets either: it hands them back to the page, which made them.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct FunctionRef {
    /// The function's index in the page's own table.
    pub id: u64,
    /// The arguments, as the page serialized them.
    pub args: Vec<u8>,
}
