//! Errors the host returns from its calls, and how the SDK reports them.

use crate::bindings::wasmlit::page::types::CallError as WitCallError;
use std::fmt;

/// Why the host refused a call.
///
/// Drawing calls on [`Ui`](crate::Ui) treat a refusal as a bug in the page and
/// end the run with its message, as a Python exception would end a Streamlit
/// script. The `try_` session-state methods return it instead.
///
/// ```no_run
/// # fn page(st: &wasmlit::Ui) {
/// match st.session_state().try_set("big", &vec![0u8; 1 << 20]) {
///     Ok(()) => {}
///     Err(wasmlit::CallError::LimitExceeded(why)) => st.warning(why),
///     Err(other) => st.error(other.to_string()),
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// The call was made outside a live page run; the text names the call.
    OutsideRun(String),
    /// An argument was refused; the text says which and why.
    InvalidArgument(String),
    /// Two widgets in this run have the same id; give one a distinct key.
    DuplicateWidgetId(String),
    /// A limit of the run or session was reached.
    LimitExceeded(String),
    /// The host tried and failed (a resource did not build, a query
    /// crashed, a network request failed).
    Failed(String),
    /// The app was not granted what the call needs (an outbound host not on
    /// its allow list); the text says how an operator grants it.
    Denied(String),
}

impl From<WitCallError> for CallError {
    fn from(e: WitCallError) -> Self {
        match e {
            WitCallError::OutsideRun(m) => CallError::OutsideRun(m),
            WitCallError::InvalidArgument(m) => CallError::InvalidArgument(m),
            WitCallError::DuplicateWidgetId(m) => CallError::DuplicateWidgetId(m),
            WitCallError::LimitExceeded(m) => CallError::LimitExceeded(m),
            WitCallError::Failed(m) => CallError::Failed(m),
            WitCallError::Denied(m) => CallError::Denied(m),
        }
    }
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::OutsideRun(m) => write!(f, "{m}"),
            CallError::InvalidArgument(m) => write!(f, "invalid argument: {m}"),
            CallError::DuplicateWidgetId(m) => write!(f, "{m}"),
            CallError::LimitExceeded(m) => write!(f, "limit exceeded: {m}"),
            CallError::Failed(m) => write!(f, "{m}"),
            CallError::Denied(m) => write!(f, "denied: {m}"),
        }
    }
}

impl std::error::Error for CallError {}

/// Ends the run with the host's refusal as its error message.
#[track_caller]
pub(crate) fn expect_ok<T>(result: Result<T, WitCallError>) -> T {
    match result {
        Ok(value) => value,
        Err(e) => panic!("{}", CallError::from(e)),
    }
}
