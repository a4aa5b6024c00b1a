//! Ending a run early: `rerun` and `stop`.

use crate::bindings::wasmlit::page::control;
use crate::Ui;

impl Ui {
    /// Ends this run now and runs the page again from the top, like
    /// `st.rerun()`. Useful after changing session state that earlier
    /// elements already displayed.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// if st.button("Reset") {
    ///     st.session_state().remove("count");
    ///     st.rerun();
    /// }
    /// # }
    /// ```
    pub fn rerun(&self) -> ! {
        control::rerun();
        unreachable!("the host ends the run on rerun")
    }

    /// Ends this run now, keeping what it drew, like `st.stop()`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// let name = st.text_input("Name", "");
    /// if name.is_empty() {
    ///     st.info("Enter a name to continue.");
    ///     st.stop();
    /// }
    /// st.write(format!("Hello, {name}!"));
    /// # }
    /// ```
    pub fn stop(&self) -> ! {
        control::stop();
        unreachable!("the host ends the run on stop")
    }
}
