//! Widget callbacks (`on_change`): the host keeps each widget's callback id
//! and arguments, and hands the changed ones back at the start of the next
//! run, where they are called before the page draws.

use crate::bindings::wasmlit::page::widgets as host;
use crate::jobs::function_value;
use crate::Ui;
use serde::de::DeserializeOwned;

/// What the host hands back: call with the run's `Ui` and the arguments.
type Entry = fn(&Ui, &[u8]) -> Result<(), String>;

fn entry<F, A>(ui: &Ui, args: &[u8]) -> Result<(), String>
where
    F: Fn(&Ui, A) + Copy + 'static,
    A: DeserializeOwned,
{
    let callback: F = function_value();
    let args: A = serde_json::from_slice(args)
        .map_err(|e| format!("the arguments of an on_change callback do not decode: {e}"))?;
    callback(ui, args);
    Ok(())
}

/// The id the host stores for callback `F` with arguments of type `A`: the
/// address of its entry in this component's function table.
pub(crate) fn entry_id<F, A>() -> u64
where
    F: Fn(&Ui, A) + Copy + 'static,
    A: DeserializeOwned,
{
    let entry: Entry = entry::<F, A>;
    entry as usize as u64
}

/// Calls the callbacks of the widgets changed since the last run.
pub(crate) fn run_pending(ui: &Ui) -> Result<(), String> {
    let pending = host::callbacks().map_err(|e| crate::CallError::from(e).to_string())?;
    for callback in pending {
        let Ok(address) = usize::try_from(callback.id) else {
            return Err(format!(
                "callback id {} is not one this page gave out",
                callback.id
            ));
        };
        // SAFETY: the SDK only ever gives the host addresses of `Entry`
        // functions of this component (see `entry_id`), and the host hands
        // them back unchanged; every instance has the same function table.
        // An id forged by code that goes around the SDK can only hit this
        // page's own instance, where a bad table index traps.
        let entry: Entry = unsafe { std::mem::transmute::<usize, Entry>(address) };
        entry(ui, &callback.args)?;
    }
    Ok(())
}
