//! Widget callbacks (`on_change`) and fragment functions: the host keeps a
//! function's id and serialized arguments, and hands them back when it is
//! to be called — changed widgets' callbacks at the start of the next run,
//! before the page draws; a fragment's function when it reruns.

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
    let args: A = serde_json::from_slice(args).map_err(|e| {
        format!(
            "the arguments of `{}` do not decode: {e}",
            std::any::type_name::<F>()
        )
    })?;
    callback(ui, args);
    Ok(())
}

fn plain_entry<F>(ui: &Ui, _args: &[u8]) -> Result<(), String>
where
    F: Fn(&Ui) + Copy + 'static,
{
    let function: F = function_value();
    function(ui);
    Ok(())
}

/// The id the host stores for `F`, a function that takes no arguments.
pub(crate) fn plain_entry_id<F>() -> u64
where
    F: Fn(&Ui) + Copy + 'static,
{
    let entry: Entry = plain_entry::<F>;
    entry as usize as u64
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
        call(callback.id, ui, &callback.args)?;
    }
    Ok(())
}

/// Calls the function the host handed back as `id` with `args`.
pub(crate) fn call(id: u64, ui: &Ui, args: &[u8]) -> Result<(), String> {
    let Ok(address) = usize::try_from(id) else {
        return Err(format!("function id {id} is not one this page gave out"));
    };
    // SAFETY: the SDK only ever gives the host addresses of `Entry`
    // functions of this component (see `entry_id`), and the host hands them
    // back unchanged; every instance has the same function table. An id
    // forged by code that goes around the SDK can only hit this page's own
    // instance, where a bad table index traps.
    let entry: Entry = unsafe { std::mem::transmute::<usize, Entry>(address) };
    entry(ui, args)
}
