//! Test page: `rerun`, `stop`, duplicate widget ids and a rerun loop, chosen
//! with the "Mode" selectbox; query parameter operations with `?op=`.
use wasmlit::{NavPosition, Page, Ui};

/// The modes, in selectbox order.
const MODES: [&str; 5] = ["none", "rerun", "stop", "duplicate", "rerun_forever"];

#[wasmlit::page]
fn control_flow(st: &Ui) {
    // `?op=…`: the query parameter operations.
    let params = st.query_params();
    match params.get("op").as_deref() {
        Some("read") => {
            st.text(format!("tags: {}", params.get_all("tag").join(",")));
            st.text(format!("dict: {:?}", params.to_dict()));
        }
        Some("set_all") => params.set_all("tag", ["x", "y"]),
        Some("untag") => params.set_all("tag", Vec::<String>::new()),
        Some("from_dict") => params.from_dict([("a", "1"), ("b", "2"), ("a", "3")]),
        Some("clear") => params.clear(),
        // The navigation: this page and `hello` (and `counter` with
        // `&admin=1`), along the top.
        Some("nav") => {
            let mut pages = vec![
                Page::new("control_flow")
                    .title("Flow")
                    .section("Tests")
                    .default(),
                Page::new("hello").icon("👋"),
            ];
            if params.get("admin").is_some() {
                pages.push(Page::new("counter").icon(":material/add:").section("Admin"));
            }
            st.navigation(&pages, NavPosition::Top);
            st.text("navigation set");
        }
        // The navigation without `counter`, set before a slow end.
        Some("nav_slow") => {
            st.navigation(
                &[Page::new("control_flow"), Page::new("hello")],
                NavPosition::Sidebar,
            );
            wasmlit::sleep(std::time::Duration::from_millis(400));
            st.text("slow end");
        }
        Some("nav_unknown") => st.navigation(&[Page::new("nope")], NavPosition::Sidebar),
        Some("nav_twice") => st.navigation(
            &[Page::new("hello"), Page::new("hello")],
            NavPosition::Sidebar,
        ),
        Some("switch_unknown") => st.switch_page("nope"),
        Some("link_unknown") => st.page_link("nope"),
        Some("switch_query") => st.switch_page_with("hello", &[("name", "Ada Lovelace")]),
        _ => {}
    }
    let mode = st.selectbox("Mode", &MODES, 0).copied().unwrap_or("none");
    let state = st.session_state();
    match mode {
        "rerun" => {
            let runs: u32 = state.get("runs").unwrap_or(0) + 1;
            state.set("runs", &runs);
            if !runs.is_multiple_of(3) {
                st.rerun();
            }
            st.text(format!("ran {runs} times"));
        }
        "stop" => {
            st.text("before stop");
            st.stop();
        }
        "duplicate" => {
            st.button("Same");
            st.button("Same");
        }
        "rerun_forever" => st.rerun(),
        _ => st.text("no mode"),
    }
}
