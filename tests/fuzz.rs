//! The hostile-client suite: property-based fuzzing of everything a browser
//! can send (`host::model::protocol::parse_client`, `WidgetSpec::validate`,
//! `widget_id`), and hostile clients against a real server (a replayed
//! session id, fragmented messages, oversized fragmented messages, and a
//! crowd of sessions sending garbage next to a well-behaved one), and the
//! URLs a hostile page may hand to `http.fetch` (`host::runtime::services::outbound`).
//!
//! Every property runs `FUZZ_CASES` cases (default 2,000, small enough for
//! CI). To run at least a million cases of each once:
//!
//! ```text
//! FUZZ_CASES=1000000 cargo test --release -p tests --test fuzz
//! ```
//!
//! (add `-- parse_client validate widget_id default_value` to run only the
//! pure properties; the WebSocket tests do not depend on `FUZZ_CASES`). A
//! million cases of each of the eight properties took about 6 minutes on 2
//! cores.
//! Failing cases are shrunk and printed; nothing is written to disk.
//!
//! The tests named after a rule (`dates_and_times_with_signed_parts_are_refused`,
//! `a_message_that_is_not_a_json_object_is_refused`, …) hold the minimal
//! inputs of host bugs this suite found, now fixed.

use futures_util::{SinkExt, StreamExt};
use host::model::protocol::{parse_client, ClientMessage};
use host::model::widget::{
    widget_id as host_widget_id, AcceptFile, AudioInput, Button, ButtonOptions, CameraInput, Cell,
    ChatInput, Checkbox, ColorPicker, DataEditor, DataframeSelect, DateInput, DatetimeInput,
    DialogDismiss, DownloadButton, Feedback, FileUploader, FloatRangeSlider, FloatSlider,
    IntRangeSlider, IntSlider, Multiselect, NumberInput, Pills, Radio, SegmentedControl,
    SelectCount, SelectSlider, Selectbox, SliderUnit, SubmitButton, TableEdits, TextArea,
    TextInput, TimeInput, Toggle, WidgetSpec, WidgetValue, MAX_NEW_OPTION_CHARS,
    MAX_SELECT_OPTIONS, MAX_UPLOADER_FILES,
};
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::Union;
use serde_json::{json, Map, Number, Value};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tests::{markdown_texts, widget_id, TestServer, WsClient, WAIT};
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::Message;

// ---------------------------------------------------------------------------
// Case counts
// ---------------------------------------------------------------------------

/// Cases per property: `FUZZ_CASES`, or 2,000.
fn cases() -> u32 {
    match std::env::var("FUZZ_CASES") {
        Ok(text) => text
            .trim()
            .replace('_', "")
            .parse()
            .unwrap_or_else(|_| panic!("FUZZ_CASES={text:?} is not a number of cases")),
        Err(_) => 2_000,
    }
}

fn config() -> ProptestConfig {
    ProptestConfig {
        // Minimal failing inputs are printed; no regression files are
        // written into the source tree.
        failure_persistence: None,
        ..ProptestConfig::with_cases(cases())
    }
}

// ---------------------------------------------------------------------------
// JSON values
// ---------------------------------------------------------------------------

/// Strings that matter to the protocol and the widgets, and arbitrary ones.
fn interesting_string() -> impl Strategy<Value = String> {
    prop_oneof![
        select(vec![
            "rerun",
            "stop",
            "heartbeat",
            "clear_cache",
            "Rerun",
            "re_run",
            "heartbeat ",
            "type",
            "page",
            "widgets",
            "query",
            "counter",
            "",
            "a=1",
            "#ff8800",
            "#FF8800",
            "2026-11-25",
            "2026-+9-01",
            "09:30",
            "0123456789abcdef",
            "slider:19d7269094bfa002",
            "key:k",
            "\u{0}",
            "é😀",
        ])
        .prop_map(String::from),
        "[a-z_:0-9]{0,12}",
        any::<String>(),
    ]
}

/// A JSON number: integers small and extreme, and finite floats.
fn json_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        (-3i64..300).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(float),
        select(vec![0.0, -0.0, 0.5, 1.0, 1e300, -1e300, 5e-324]).prop_map(float),
    ]
}

/// `f` as JSON (`null` if it is not finite, which JSON cannot hold).
fn float(f: f64) -> Value {
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        json_number(),
        interesting_string().prop_map(Value::String),
    ]
}

/// Arbitrary JSON values, nested up to 4 levels.
fn json_value() -> impl Strategy<Value = Value> {
    json_leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            btree_map(interesting_string(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

// ---------------------------------------------------------------------------
// parse_client
// ---------------------------------------------------------------------------

/// The message `value` stands for according to docs/protocol.md, or `None`
/// if it is not one: an object with a known `type`, only the fields that
/// type has, `page` a string, `widgets` (optional) an object and `query`
/// (optional) a string.
fn documented_message(value: &Value) -> Option<ClientMessage> {
    let object = value.as_object()?;
    let kind = object.get("type")?.as_str()?;
    let fields: &[&str] = match kind {
        "rerun" => &["type", "page", "widgets", "query"],
        "stop" | "heartbeat" | "clear_cache" => &["type"],
        _ => return None,
    };
    if object.keys().any(|k| !fields.contains(&k.as_str())) {
        return None;
    }
    Some(match kind {
        "rerun" => ClientMessage::Rerun {
            page: object.get("page")?.as_str()?.to_owned(),
            widgets: match object.get("widgets") {
                None => Map::new(),
                Some(widgets) => widgets.as_object()?.clone(),
            },
            query: match object.get("query") {
                None => String::new(),
                Some(query) => query.as_str()?.to_owned(),
            },
        },
        "stop" => ClientMessage::Stop {},
        "heartbeat" => ClientMessage::Heartbeat {},
        _ => ClientMessage::ClearCache {},
    })
}

/// A refusal must say what was wrong.
fn check_refusal(error: &str, text: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        error.starts_with("malformed message: ") && error.len() > "malformed message: ".len(),
        "refusal without a reason: {error:?} for {text:?}"
    );
    Ok(())
}

/// `parse_client(text)` against the documented protocol (the JSON value
/// `value` of `text`, if it is JSON). `text` may repeat a field: a message
/// with a repeated field is refused (which of its values counts would be
/// ambiguous), so a refusal naming a duplicate field is right even when the
/// value, whose last duplicate wins, is a valid message.
fn check_parse(text: &str, value: Option<&Value>) -> Result<(), TestCaseError> {
    let parsed = parse_client(text);
    let Some(value) = value else {
        return match parsed {
            Ok(message) => Err(TestCaseError::fail(format!(
                "text that is not JSON was accepted as {message:?}: {text:?}"
            ))),
            Err(error) => check_refusal(&error, text),
        };
    };
    match (documented_message(value), parsed) {
        (Some(expected), Ok(message)) => {
            prop_assert_eq!(message, expected, "wrong message for {:?}", text);
        }
        (Some(_), Err(error)) if error.contains("duplicate field") => {}
        (Some(expected), Err(error)) => {
            return Err(TestCaseError::fail(format!(
                "valid message refused ({error}); expected {expected:?} from {text:?}"
            )));
        }
        (None, Err(error)) => check_refusal(&error, text)?,
        (None, Ok(message)) => {
            return Err(TestCaseError::fail(format!(
                "invalid message accepted as {message:?}: {text:?}"
            )));
        }
    }
    Ok(())
}

/// Checks arbitrary text: JSON or not.
fn check_text(text: &str) -> Result<(), TestCaseError> {
    let value = serde_json::from_str::<Value>(text).ok();
    check_parse(text, value.as_ref())
}

/// Checks `text`, rendered from `generated`. The expected message comes
/// from the text parsed again, since serde_json (as the host builds it,
/// without `float_roundtrip`) may read a float back one ulp off: see
/// `a_float_sent_as_its_shortest_text_is_read_exactly`. Whether the text is
/// a valid message must not depend on that.
fn check_rendered(text: &str, generated: &Value) -> Result<(), TestCaseError> {
    let reparsed: Value = serde_json::from_str(text).expect("rendered JSON parses");
    prop_assert_eq!(
        documented_message(&reparsed).is_some(),
        documented_message(generated).is_some(),
        "{:?} read back differently from {}",
        text,
        generated
    );
    check_parse(text, Some(&reparsed))
}

/// A field of a message as sent: its name and value, in order, possibly
/// repeated.
type Fields = Vec<(String, Value)>;

/// The valid message shapes of docs/protocol.md.
fn valid_message() -> impl Strategy<Value = Fields> {
    let widget_key = prop_oneof![
        "slider:[0-9a-f]{16}",
        "button:[0-9a-f]{16}",
        "key:[a-z]{0,6}",
        interesting_string(),
    ];
    let rerun = (
        interesting_string(),
        option::of(btree_map(widget_key, json_value(), 0..4)),
        option::of(prop_oneof!["[a-z0-9=&%]{0,12}", any::<String>()]),
    )
        .prop_map(|(page, widgets, query)| {
            let mut fields = vec![
                ("type".to_owned(), json!("rerun")),
                ("page".to_owned(), json!(page)),
            ];
            if let Some(widgets) = widgets {
                let widgets: Map<String, Value> = widgets.into_iter().collect();
                fields.push(("widgets".to_owned(), Value::Object(widgets)));
            }
            if let Some(query) = query {
                fields.push(("query".to_owned(), json!(query)));
            }
            fields
        });
    prop_oneof![
        2 => rerun,
        1 => select(vec!["stop", "heartbeat", "clear_cache"])
            .prop_map(|kind| vec![("type".to_owned(), json!(kind))]),
    ]
}

/// One change to a message's fields.
#[derive(Debug, Clone)]
enum Mutation {
    Remove(prop::sample::Index),
    Add(String, Value),
    /// Gives a field a value of another (or the same) type.
    Retype(prop::sample::Index, Value),
    SetType(Value),
    Duplicate(prop::sample::Index),
    Swap(prop::sample::Index, prop::sample::Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let field_name = prop_oneof![
        select(vec![
            "type", "page", "widgets", "query", "extra", "Type", "id"
        ])
        .prop_map(String::from),
        interesting_string(),
    ];
    prop_oneof![
        any::<prop::sample::Index>().prop_map(Mutation::Remove),
        (field_name, json_value()).prop_map(|(name, value)| Mutation::Add(name, value)),
        (any::<prop::sample::Index>(), json_value()).prop_map(|(i, v)| Mutation::Retype(i, v)),
        prop_oneof![interesting_string().prop_map(Value::String), json_value(),]
            .prop_map(Mutation::SetType),
        any::<prop::sample::Index>().prop_map(Mutation::Duplicate),
        (any::<prop::sample::Index>(), any::<prop::sample::Index>())
            .prop_map(|(a, b)| Mutation::Swap(a, b)),
    ]
}

fn apply(fields: &mut Fields, mutation: &Mutation) {
    match mutation {
        Mutation::Remove(i) if !fields.is_empty() => {
            fields.remove(i.index(fields.len()));
        }
        Mutation::Add(name, value) => fields.push((name.clone(), value.clone())),
        Mutation::Retype(i, value) if !fields.is_empty() => {
            let at = i.index(fields.len());
            fields[at].1 = value.clone();
        }
        Mutation::SetType(value) => match fields.iter_mut().find(|(k, _)| k == "type") {
            Some(field) => field.1 = value.clone(),
            None => fields.insert(0, ("type".to_owned(), value.clone())),
        },
        Mutation::Duplicate(i) if !fields.is_empty() => {
            let field = fields[i.index(fields.len())].clone();
            fields.push(field);
        }
        Mutation::Swap(a, b) if !fields.is_empty() => {
            let (a, b) = (a.index(fields.len()), b.index(fields.len()));
            fields.swap(a, b);
        }
        _ => {}
    }
}

/// The fields as a JSON object's text, repeated fields and all, with one
/// of a few spacings.
fn render(fields: &Fields, spacing: usize) -> String {
    let (colon, comma, around) =
        [(":", ",", ""), (" : ", " , ", " "), (":", ",\n\t", "\r\n")][spacing % 3];
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}{colon}{v}", Value::String(k.clone())))
        .collect();
    format!("{around}{{{around}{}{around}}}{around}", body.join(comma))
}

/// Whether a field name repeats.
fn repeats(fields: &Fields) -> bool {
    let mut names: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
    names.sort_unstable();
    names.windows(2).any(|w| w[0] == w[1])
}

/// Valid messages, changed by up to four mutations (often none).
fn mutated_message() -> impl Strategy<Value = (Fields, usize)> {
    (valid_message(), vec(mutation(), 0..4), 0usize..3).prop_map(
        |(mut fields, mutations, spacing)| {
            for m in &mutations {
                apply(&mut fields, m);
            }
            (fields, spacing)
        },
    )
}

/// Text near JSON: soup of JSON tokens, deep nesting, and valid messages
/// with characters inserted, removed or replaced.
fn hostile_text() -> impl Strategy<Value = String> {
    let token = select(vec![
        "{",
        "}",
        "[",
        "]",
        ":",
        ",",
        " ",
        "\"",
        "\"type\"",
        "\"rerun\"",
        "\"stop\"",
        "\"heartbeat\"",
        "\"clear_cache\"",
        "\"page\"",
        "\"widgets\"",
        "\"query\"",
        "\"counter\"",
        "null",
        "true",
        "false",
        "0",
        "-1",
        "1e999",
        "1.5",
        "\\u0000",
        "\"\\ud800\"",
        "\\",
        "\u{feff}",
        "é",
        "\n",
    ]);
    let soup = vec(token, 0..24).prop_map(|tokens| tokens.concat());
    let nested = (1usize..600, 0usize..2).prop_map(|(depth, kind)| {
        let (open, close) = [("[", "]"), ("{\"a\":", "}")][kind];
        format!(
            r#"{{"type":"rerun","page":"counter","widgets":{{"w":{}1{}}}}}"#,
            open.repeat(depth),
            close.repeat(depth)
        )
    });
    let edited = (
        valid_message(),
        0usize..3,
        any::<prop::sample::Index>(),
        0usize..3,
        any::<char>(),
    )
        .prop_map(|(fields, spacing, at, edit, c)| {
            let mut chars: Vec<char> = render(&fields, spacing).chars().collect();
            let i = at.index(chars.len() + 1);
            match edit {
                0 => chars.insert(i, c),
                1 if i < chars.len() => {
                    chars.remove(i);
                }
                _ if i < chars.len() => chars[i] = c,
                _ => chars.push(c),
            }
            chars.into_iter().collect()
        });
    prop_oneof![any::<String>(), soup, nested, edited]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases().saturating_mul(10), ..config() })]

    /// A dataframe to select in and a table to edit accept exactly the
    /// values their rules allow (ten times the cases: a value breaks one rule only now and then).
    #[test]
    fn table_widgets_accept_exactly_the_documented_values(
        (spec, value) in spec_and_value(table_spec(true)),
    ) {
        prop_assert_eq!(spec.check(), Ok(()), "the strategy made an invalid spec");
        let accepted = spec.validate(&value);
        prop_assert_eq!(
            accepted.clone().ok(),
            documented_value(&spec, &value),
            "{:?} given {}: {:?}", spec, value, accepted
        );
        if let Ok(accepted) = accepted {
            let again = serde_json::to_value(&accepted).expect("a widget value is JSON");
            prop_assert_eq!(spec.validate(&again), Ok(accepted));
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn parse_client_on_arbitrary_text(text in hostile_text()) {
        check_text(&text)?;
    }

    #[test]
    fn parse_client_on_arbitrary_json(value in json_value(), pretty in any::<bool>()) {
        let text = if pretty {
            serde_json::to_string_pretty(&value).unwrap()
        } else {
            value.to_string()
        };
        check_rendered(&text, &value)?;
    }

    #[test]
    fn parse_client_on_mutated_messages((fields, spacing) in mutated_message()) {
        let text = render(&fields, spacing);
        if repeats(&fields) {
            let parsed = parse_client(&text);
            prop_assert!(parsed.is_err(), "a repeated field was accepted: {:?} -> {:?}", text, parsed);
            check_refusal(&parsed.unwrap_err(), &text)?;
        } else {
            let value = Value::Object(fields.into_iter().collect());
            check_rendered(&text, &value)?;
        }
    }

    #[test]
    fn parse_client_reads_every_valid_message_as_its_variant(
        fields in valid_message(),
        spacing in 0usize..3,
    ) {
        let text = render(&fields, spacing);
        let value = Value::Object(fields.into_iter().collect());
        prop_assert!(documented_message(&value).is_some(), "not a valid message: {}", value);
        let reparsed: Value = serde_json::from_str(&text).expect("rendered JSON parses");
        let expected = documented_message(&reparsed).expect("a valid message");
        prop_assert_eq!(parse_client(&text), Ok(expected));
    }
}

#[test]
fn the_documented_examples_parse() {
    let rerun = parse_client(
        r#"{"type":"rerun","page":"counter","widgets":{"slider:19d7269094bfa002":7},"query":"a=1"}"#,
    );
    assert_eq!(
        rerun,
        Ok(ClientMessage::Rerun {
            page: "counter".into(),
            widgets: json!({"slider:19d7269094bfa002": 7})
                .as_object()
                .unwrap()
                .clone(),
            query: "a=1".into(),
        })
    );
    assert_eq!(
        parse_client(r#"{"type":"stop"}"#),
        Ok(ClientMessage::Stop {})
    );
    assert_eq!(
        parse_client(r#"{"type":"heartbeat"}"#),
        Ok(ClientMessage::Heartbeat {})
    );
    assert_eq!(
        parse_client(r#"{"type":"clear_cache"}"#),
        Ok(ClientMessage::ClearCache {})
    );
    // Deep nesting is refused, not a stack overflow.
    let deep = format!(
        r#"{{"type":"rerun","page":"p","widgets":{{"w":{}{}}}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert!(parse_client(&deep).is_err());
}

/// docs/protocol.md: "Every message is a JSON object with a `type`".
#[test]
fn a_message_that_is_not_a_json_object_is_refused() {
    for text in [
        r#"["heartbeat"]"#,
        r#"["stop"]"#,
        r#"["clear_cache"]"#,
        r#"["rerun","counter"]"#,
        r#"["rerun","counter",{"slider:19d7269094bfa002":7},"a=1"]"#,
    ] {
        let parsed = parse_client(text);
        assert!(parsed.is_err(), "{text} was accepted as {parsed:?}");
    }
}

// ---------------------------------------------------------------------------
// Widget validation
// ---------------------------------------------------------------------------

fn short_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ]{0,8}",
        select(vec!["", "é", "😀😀", "a\"b\\", "\u{0}", "e\u{301}"]).prop_map(String::from),
        any::<String>(),
    ]
}

fn options() -> impl Strategy<Value = Vec<String>> {
    vec(short_text(), 0..7)
}

fn int_bound() -> impl Strategy<Value = i64> {
    prop_oneof![
        -1_000i64..1_000,
        select(vec![
            i64::MIN,
            i64::MIN + 1,
            -1,
            0,
            1,
            i64::MAX - 1,
            i64::MAX
        ]),
        any::<i64>(),
    ]
}

fn finite() -> impl Strategy<Value = f64> {
    prop_oneof![
        -1_000.0f64..1_000.0,
        select(vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            5e-324,
            1e15
        ]),
        prop::num::f64::NORMAL | prop::num::f64::SUBNORMAL | prop::num::f64::ZERO,
    ]
}

fn positive_finite() -> impl Strategy<Value = f64> {
    finite().prop_map(|f| if f > 0.0 { f } else { 0.01 })
}

/// An integer in `lo..=hi` (either order) chosen by `r`.
fn pick_i64(lo: i64, hi: i64, r: u64) -> i64 {
    let (lo, hi) = (lo.min(hi), lo.max(hi));
    let span = (hi as i128 - lo as i128) as u128 + 1;
    (lo as i128 + (r as u128 % span) as i128) as i64
}

/// A finite number in `lo..=hi` (either order) at fraction `t`.
fn pick_f64(lo: f64, hi: f64, t: f64) -> f64 {
    let (lo, hi) = (lo.min(hi), lo.max(hi));
    (lo * (1.0 - t) + hi * t).clamp(lo, hi)
}

fn days_in(year: u32, month: u32) -> u32 {
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 31,
    }
}

/// A real date, `YYYY-MM-DD`, mostly near today so bounds are hit.
fn date() -> impl Strategy<Value = String> {
    (
        prop_oneof![2020u32..2032, 0u32..=9999],
        1u32..=12,
        1u32..=31,
    )
        .prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{:02}", d.min(days_in(y, m))))
}

fn time() -> impl Strategy<Value = String> {
    (0u32..24, 0u32..60).prop_map(|(h, m)| format!("{h:02}:{m:02}"))
}

/// Accepted-type strings of a file uploader.
fn upload_type() -> impl Strategy<Value = String> {
    prop_oneof![
        select(vec![
            "csv",
            "image/*",
            "text/plain",
            ".json",
            "application/vnd.ms-excel"
        ])
        .prop_map(String::from),
        "[a-zA-Z0-9./*+_-]{1,64}",
    ]
}

/// Distinct indices into `len` options chosen by `picks`, in pick order;
/// with `repeat`, the first one again (check() lets that through: see
/// `check_and_validate_agree_on_multiselect_defaults`).
fn chosen(len: usize, picks: &[u32], repeat: bool) -> Vec<u32> {
    let mut out: Vec<u32> = Vec::new();
    if len == 0 {
        return out;
    }
    for p in picks {
        let i = p % len as u32;
        if !out.contains(&i) {
            out.push(i);
        }
    }
    if repeat {
        if let Some(first) = out.first().copied() {
            out.push(first);
        }
    }
    out
}

/// Specs that pass `check()`, of every kind. With `repeat_defaults`, a
/// multiselect's default may list an option twice (check() accepts it).
fn valid_spec(repeat_defaults: bool) -> BoxedStrategy<WidgetSpec> {
    use WidgetSpec as W;
    Union::new(vec![
        table_spec(true),
        Just(W::Button(Button)).boxed(),
        Just(W::SubmitButton(SubmitButton)).boxed(),
        Just(W::DialogDismiss(DialogDismiss)).boxed(),
        any::<bool>()
            .prop_map(|default| W::Checkbox(Checkbox { default }))
            .boxed(),
        any::<bool>()
            .prop_map(|default| W::Toggle(Toggle { default }))
            .boxed(),
        (
            int_bound(),
            int_bound(),
            prop_oneof![1i64..10, 1i64..=i64::MAX],
            any::<u64>(),
            0usize..3,
        )
            .prop_map(|(a, b, step, r, edge)| {
                let (min, max) = (a.min(b), a.max(b));
                let default = [min, max, pick_i64(min, max, r)][edge];
                W::IntSlider(IntSlider {
                    min,
                    max,
                    step,
                    default,
                    unit: SliderUnit::Number,
                })
            })
            .boxed(),
        (finite(), finite(), positive_finite(), 0.0f64..=1.0)
            .prop_map(|(a, b, step, t)| {
                W::FloatSlider(FloatSlider {
                    min: a.min(b),
                    max: a.max(b),
                    step,
                    default: pick_f64(a, b, t),
                })
            })
            .boxed(),
        (short_text(), option::of(0u32..4), option::of(short_text()))
            .prop_map(|(default, extra, placeholder)| {
                W::TextInput(TextInput {
                    max_chars: extra.map(|e| default.chars().count() as u32 + e),
                    default,
                    placeholder,
                    password: false,
                    autocomplete: None,
                })
            })
            .boxed(),
        (0i64..24 * 60, 0i64..24 * 60, 1i64..120, any::<bool>())
            .prop_map(|(a, b, step, time)| {
                let (min, max) = (a.min(b), a.max(b));
                let unit = if time {
                    SliderUnit::Time
                } else {
                    SliderUnit::Date
                };
                W::IntRangeSlider(IntRangeSlider {
                    min,
                    max,
                    step,
                    default: [min, max],
                    unit,
                })
            })
            .boxed(),
        (
            option::of(finite()),
            option::of(finite()),
            positive_finite(),
            finite(),
            0.0f64..=1.0,
            any::<bool>(),
        )
            .prop_map(|(lo, hi, step, x, t, empty)| {
                let (min, max, default) = match (lo, hi) {
                    (Some(a), Some(b)) => (Some(a.min(b)), Some(a.max(b)), pick_f64(a, b, t)),
                    (Some(lo), None) => (Some(lo), None, x.max(lo)),
                    (None, Some(hi)) => (None, Some(hi), x.min(hi)),
                    (None, None) => (None, None, x),
                };
                W::NumberInput(NumberInput {
                    min,
                    max,
                    step,
                    default: (!empty).then_some(default),
                    integer: false,
                    placeholder: None,
                })
            })
            .boxed(),
        (
            option::of(-1000i64..1000),
            option::of(0i64..1000),
            1i64..20,
            0i64..1000,
        )
            .prop_map(|(lo, span, step, offset)| {
                let min = lo.map(|lo| lo as f64);
                let max = lo.zip(span).map(|(lo, span)| (lo + span) as f64);
                let default = match (min, max) {
                    (Some(lo), Some(hi)) => (lo + offset as f64).min(hi),
                    (Some(lo), None) => lo + offset as f64,
                    _ => offset as f64,
                };
                W::NumberInput(NumberInput {
                    min,
                    max,
                    step: step as f64,
                    default: Some(default),
                    integer: true,
                    placeholder: None,
                })
            })
            .boxed(),
        (options(), any::<u32>(), any::<bool>(), any::<bool>())
            .prop_map(|(options, r, some, accept_new_options)| {
                W::Selectbox(Selectbox {
                    default: (some && !options.is_empty()).then(|| r % options.len() as u32),
                    options,
                    placeholder: None,
                    accept_new_options,
                })
            })
            .boxed(),
        ("[^/\\\\]{1,16}", short_text(), 0u8..3)
            .prop_map(|(file_name, mime, mode)| {
                W::DownloadButton(DownloadButton {
                    file_name,
                    mime,
                    lazy: mode == 1,
                    ignore_click: mode == 2,
                })
            })
            .boxed(),
        prop_oneof![Just(2u32), Just(5u32), any::<u32>()]
            .prop_map(|options| {
                W::Feedback(Feedback {
                    options,
                    faces: options == 5,
                })
            })
            .boxed(),
        (
            option::of(short_text()),
            option::of(any::<u32>()),
            0u8..3,
            vec(upload_type(), 0..3),
        )
            .prop_map(|(placeholder, max_chars, accept, types)| {
                let accept_file =
                    [AcceptFile::None, AcceptFile::One, AcceptFile::Multiple][accept as usize];
                W::ChatInput(ChatInput {
                    placeholder,
                    max_chars,
                    accept_file,
                    file_types: if accept == 0 { Vec::new() } else { types },
                    max_bytes: None,
                })
            })
            .boxed(),
        (options(), any::<u32>(), any::<bool>(), any::<bool>())
            .prop_map(|(options, r, some, horizontal)| {
                W::Radio(Radio {
                    default: (some && !options.is_empty()).then(|| r % options.len() as u32),
                    options,
                    horizontal,
                    captions: Vec::new(),
                })
            })
            .boxed(),
        (
            vec(short_text(), 1..7),
            any::<u32>(),
            any::<u32>(),
            any::<bool>(),
        )
            .prop_map(|(options, r, q, two)| {
                let (a, b) = (r % options.len() as u32, q % options.len() as u32);
                W::SelectSlider(SelectSlider {
                    default: if two { a.min(b) } else { a },
                    high: two.then(|| a.max(b)),
                    options,
                })
            })
            .boxed(),
        (
            options(),
            vec(any::<u32>(), 0..5),
            option::of(0u32..3),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(
                move |(mut options, picks, extra, repeat, accept_new_options)| {
                    if accept_new_options {
                        // Options known by their text read differently.
                        let mut seen = std::collections::HashSet::new();
                        options.retain(|o| seen.insert(o.clone()));
                    }
                    let default = chosen(options.len(), &picks, repeat && repeat_defaults);
                    W::Multiselect(Multiselect {
                        max_selections: extra.map(|e| default.len() as u32 + e),
                        options,
                        default,
                        placeholder: None,
                        accept_new_options,
                    })
                },
            )
            .boxed(),
        (
            -1000i64..1000,
            0i64..1000,
            1i64..10,
            0.0f64..=1.0,
            0.0f64..=1.0,
        )
            .prop_map(|(min, span, step, a, b)| {
                let (a, b) = (a.min(b), a.max(b));
                let at = |t: f64| min + (span as f64 * t) as i64;
                W::IntRangeSlider(IntRangeSlider {
                    min,
                    max: min + span,
                    step,
                    default: [at(a), at(b)],
                    unit: SliderUnit::Number,
                })
            })
            .boxed(),
        (
            finite(),
            0.0f64..1e6,
            positive_finite(),
            0.0f64..=1.0,
            0.0f64..=1.0,
        )
            .prop_map(|(min, span, step, a, b)| {
                let (a, b) = (a.min(b), a.max(b));
                W::FloatRangeSlider(FloatRangeSlider {
                    min,
                    max: min + span,
                    step,
                    default: [min + span * a, (min + span * b).min(min + span)],
                })
            })
            .boxed(),
        (
            options(),
            vec(any::<u32>(), 0..5),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(move |(options, picks, multi, segmented)| {
                let mut default = chosen(options.len(), &picks, false);
                if !multi {
                    default.truncate(1);
                }
                let choice = ButtonOptions {
                    options,
                    multi,
                    default,
                };
                if segmented {
                    W::SegmentedControl(SegmentedControl { choice })
                } else {
                    W::Pills(Pills { choice })
                }
            })
            .boxed(),
        (
            short_text(),
            option::of(0u32..4),
            option::of(short_text()),
            option::of(any::<u32>()),
        )
            .prop_map(|(default, extra, placeholder, height)| {
                W::TextArea(TextArea {
                    max_chars: extra.map(|e| default.chars().count() as u32 + e),
                    default,
                    placeholder,
                    height,
                })
            })
            .boxed(),
        "#[0-9a-fA-F]{6}"
            .prop_map(|default| W::ColorPicker(ColorPicker { default }))
            .boxed(),
        (vec(date(), 4), any::<bool>(), any::<bool>(), 0u8..4)
            .prop_map(|(mut dates, has_min, has_max, mode)| {
                dates.sort();
                let (range, empty) = (mode >= 2, mode % 2 == 1);
                W::DateInput(DateInput {
                    default: (!empty).then(|| dates[1].clone()),
                    end: (range && !empty).then(|| dates[2].clone()),
                    range,
                    min: has_min.then(|| dates[0].clone()),
                    max: has_max.then(|| dates[3].clone()),
                })
            })
            .boxed(),
        (
            vec((date(), time()), 3),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            option::of(1u32..=1440),
        )
            .prop_map(|(moments, has_min, has_max, empty, step_minutes)| {
                let mut moments: Vec<String> = moments
                    .into_iter()
                    .map(|(d, t)| format!("{d}T{t}"))
                    .collect();
                moments.sort();
                W::DatetimeInput(DatetimeInput {
                    default: (!empty).then(|| moments[1].clone()),
                    min: has_min.then(|| moments[0].clone()),
                    max: has_max.then(|| moments[2].clone()),
                    step_minutes,
                })
            })
            .boxed(),
        any::<u64>()
            .prop_map(|max_bytes| W::CameraInput(CameraInput { max_bytes }))
            .boxed(),
        any::<u64>()
            .prop_map(|max_bytes| W::AudioInput(AudioInput { max_bytes }))
            .boxed(),
        (time(), option::of(1u32..=1440))
            .prop_map(|(default, step_minutes)| {
                W::TimeInput(TimeInput {
                    default,
                    step_minutes,
                })
            })
            .boxed(),
        (vec(upload_type(), 0..5), any::<bool>(), any::<u64>())
            .prop_map(|(types, multiple, max_bytes)| {
                W::FileUploader(FileUploader {
                    types,
                    multiple,
                    max_bytes,
                })
            })
            .boxed(),
    ])
    .boxed()
}

/// Specs of every kind with arbitrary parameters, most of which `check()`
/// refuses (NaN bounds, min > max, defaults out of range, ...).
fn any_spec() -> BoxedStrategy<WidgetSpec> {
    use WidgetSpec as W;
    let f = || any::<f64>();
    let opt_str = || option::of(any::<String>());
    let strings = || vec(any::<String>(), 0..5);
    Union::new(vec![
        table_spec(false),
        Just(W::Button(Button)).boxed(),
        Just(W::SubmitButton(SubmitButton)).boxed(),
        Just(W::DialogDismiss(DialogDismiss)).boxed(),
        any::<bool>()
            .prop_map(|default| W::Checkbox(Checkbox { default }))
            .boxed(),
        any::<bool>()
            .prop_map(|default| W::Toggle(Toggle { default }))
            .boxed(),
        (any::<(i64, i64, i64, i64)>(), 0u8..4)
            .prop_map(|((min, max, step, default), unit)| {
                W::IntSlider(IntSlider {
                    min,
                    max,
                    step,
                    default,
                    unit: [
                        SliderUnit::Number,
                        SliderUnit::Date,
                        SliderUnit::Time,
                        SliderUnit::Datetime,
                    ][unit as usize],
                })
            })
            .boxed(),
        (f(), f(), f(), f())
            .prop_map(|(min, max, step, default)| {
                W::FloatSlider(FloatSlider {
                    min,
                    max,
                    step,
                    default,
                })
            })
            .boxed(),
        (any::<String>(), any::<Option<u32>>(), opt_str())
            .prop_map(|(default, max_chars, placeholder)| {
                W::TextInput(TextInput {
                    default,
                    max_chars,
                    placeholder,
                    password: false,
                    autocomplete: None,
                })
            })
            .boxed(),
        (
            option::of(f()),
            option::of(f()),
            f(),
            option::of(f()),
            any::<bool>(),
        )
            .prop_map(|(min, max, step, default, integer)| {
                W::NumberInput(NumberInput {
                    min,
                    max,
                    step,
                    default,
                    integer,
                    placeholder: None,
                })
            })
            .boxed(),
        (strings(), any::<Option<u32>>(), any::<bool>())
            .prop_map(|(options, default, accept_new_options)| {
                W::Selectbox(Selectbox {
                    options,
                    default,
                    placeholder: None,
                    accept_new_options,
                })
            })
            .boxed(),
        (
            any::<String>(),
            any::<String>(),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(file_name, mime, lazy, ignore_click)| {
                W::DownloadButton(DownloadButton {
                    file_name,
                    mime,
                    lazy,
                    ignore_click,
                })
            })
            .boxed(),
        any::<u32>()
            .prop_map(|options| {
                W::Feedback(Feedback {
                    options,
                    faces: options == 5,
                })
            })
            .boxed(),
        (opt_str(), any::<Option<u32>>(), 0u8..3, strings())
            .prop_map(|(placeholder, max_chars, accept, file_types)| {
                W::ChatInput(ChatInput {
                    placeholder,
                    max_chars,
                    accept_file: [AcceptFile::None, AcceptFile::One, AcceptFile::Multiple]
                        [accept as usize],
                    file_types,
                    max_bytes: None,
                })
            })
            .boxed(),
        (strings(), any::<Option<u32>>(), any::<bool>())
            .prop_map(|(options, default, horizontal)| {
                W::Radio(Radio {
                    options,
                    default,
                    horizontal,
                    captions: Vec::new(),
                })
            })
            .boxed(),
        (strings(), any::<u32>(), any::<Option<u32>>())
            .prop_map(|(options, default, high)| {
                W::SelectSlider(SelectSlider {
                    options,
                    default,
                    high,
                })
            })
            .boxed(),
        (
            strings(),
            vec(any::<u32>(), 0..5),
            any::<Option<u32>>(),
            any::<bool>(),
        )
            .prop_map(|(options, default, max_selections, accept_new_options)| {
                W::Multiselect(Multiselect {
                    options,
                    default,
                    max_selections,
                    placeholder: None,
                    accept_new_options,
                })
            })
            .boxed(),
        (strings(), vec(any::<u32>(), 0..5), any::<bool>())
            .prop_map(|(options, default, multi)| {
                W::Pills(Pills {
                    choice: ButtonOptions {
                        options,
                        multi,
                        default,
                    },
                })
            })
            .boxed(),
        (
            any::<String>(),
            any::<Option<u32>>(),
            opt_str(),
            any::<Option<u32>>(),
        )
            .prop_map(|(default, max_chars, placeholder, height)| {
                W::TextArea(TextArea {
                    default,
                    max_chars,
                    placeholder,
                    height,
                })
            })
            .boxed(),
        any::<String>()
            .prop_map(|default| W::ColorPicker(ColorPicker { default }))
            .boxed(),
        (opt_str(), opt_str(), opt_str(), any::<bool>(), opt_str())
            .prop_map(|(default, min, max, range, end)| {
                W::DateInput(DateInput {
                    default,
                    min,
                    max,
                    range,
                    end,
                })
            })
            .boxed(),
        (opt_str(), opt_str(), opt_str(), any::<Option<u32>>())
            .prop_map(|(default, min, max, step_minutes)| {
                W::DatetimeInput(DatetimeInput {
                    default,
                    min,
                    max,
                    step_minutes,
                })
            })
            .boxed(),
        (any::<String>(), any::<Option<u32>>())
            .prop_map(|(default, step_minutes)| {
                W::TimeInput(TimeInput {
                    default,
                    step_minutes,
                })
            })
            .boxed(),
        (strings(), any::<bool>(), any::<u64>())
            .prop_map(|(types, multiple, max_bytes)| {
                W::FileUploader(FileUploader {
                    types,
                    multiple,
                    max_bytes,
                })
            })
            .boxed(),
    ])
    .boxed()
}

/// Integers around `min..=max` as JSON, in many spellings.
fn int_values(min: i64, max: i64) -> BoxedStrategy<Value> {
    let edges = vec![
        min,
        max,
        min.saturating_sub(1),
        max.saturating_add(1),
        0,
        i64::MIN,
        i64::MAX,
    ];
    prop_oneof![
        select(edges.clone()).prop_map(Value::from),
        any::<u64>().prop_map(move |r| Value::from(pick_i64(min, max, r))),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        select(edges.clone()).prop_map(|i| float(i as f64)),
        select(edges).prop_map(|i| Value::String(i.to_string())),
    ]
    .boxed()
}

/// Numbers around the bounds as JSON.
fn float_values(min: Option<f64>, max: Option<f64>) -> BoxedStrategy<Value> {
    let mut edges = vec![0.0, -0.0, f64::MAX, f64::MIN, 5e-324];
    for b in [min, max].into_iter().flatten() {
        edges.extend([b, b.next_up(), b.next_down()]);
    }
    let (lo, hi) = (min.unwrap_or(-1e9), max.unwrap_or(1e9));
    prop_oneof![
        select(edges).prop_map(float),
        (0.0f64..=1.0).prop_map(move |t| float(pick_f64(lo, hi, t))),
        json_number(),
        Just(json!("1.5")),
    ]
    .boxed()
}

/// Strings of about `max_chars` characters (some multi-byte), and others.
fn text_values(max_chars: Option<u32>) -> BoxedStrategy<Value> {
    let lengths: Vec<usize> = match max_chars {
        Some(m) if m <= 40 => vec![m.saturating_sub(1) as usize, m as usize, m as usize + 1],
        _ => vec![0, 1, 17],
    };
    let char_ = prop_oneof![
        Just('a'),
        Just('é'),
        Just('😀'),
        Just('\u{301}'),
        any::<char>()
    ];
    let sized = select(lengths)
        .prop_flat_map(move |n| vec(char_.clone(), n))
        .prop_map(|chars| Value::String(chars.into_iter().collect()));
    prop_oneof![
        3 => sized,
        1 => any::<String>().prop_map(Value::String),
        1 => select(vec![json!(null), json!(1), json!(["a"]), json!(true)]),
    ]
    .boxed()
}

/// Option indices around `n` options as JSON.
fn index_values(n: u64) -> BoxedStrategy<Value> {
    prop_oneof![
        (0..n.saturating_add(2)).prop_map(Value::from),
        select(vec![
            json!(null),
            json!(-1),
            json!(u32::MAX),
            json!(u32::MAX as u64 + 1),
            json!(u64::MAX),
            json!(i64::MIN),
            json!(0.0),
            json!(1.0),
            json!("0"),
            json!(false),
            json!([0]),
        ]),
        Just(Value::from(n)),
        Just(Value::from(n.wrapping_sub(1))),
        Just(Value::from(n + (1 << 32))),
    ]
    .boxed()
}

/// Arrays of indices around `n` options and `max` selections.
fn multiselect_values(n: usize, max: Option<u32>) -> BoxedStrategy<Value> {
    let longest = (n + 2).max(max.map_or(0, |m| m as usize + 2)).min(14);
    prop_oneof![
        3 => vec(0..(n as u64 + 2), 0..=longest).prop_map(|v| json!(v)),
        1 => vec(json_leaf(), 0..4).prop_map(Value::Array),
        1 => select(vec![json!(null), json!(0), json!("[0]"), json!([-1]), json!([0.0])]),
    ]
    .boxed()
}

fn color_values() -> BoxedStrategy<Value> {
    prop_oneof![
        "#[0-9a-fA-F]{6}",
        "#?[0-9a-fA-Fg-zG-Z]{5,7}",
        "#.{6}",
        select(vec![
            "", "#", "red", "#fff", "#ff88000", "#ＡＢ", " #ff8800", "#ff8800 "
        ])
        .prop_map(String::from),
    ]
    .prop_map(Value::String)
    .boxed()
}

fn date_values(min: Option<String>, max: Option<String>) -> BoxedStrategy<Value> {
    let bounds: Vec<String> = [min, max].into_iter().flatten().collect();
    let near = if bounds.is_empty() {
        Just("2026-11-25".to_owned()).boxed()
    } else {
        select(bounds).boxed()
    };
    prop_oneof![
        3 => date(),
        1 => near,
        1 => (0u32..=9999, 0u32..=13, 0u32..=32).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        1 => "[0-9+-]{4}-[0-9+]{2}-[0-9+]{2}",
        1 => select(vec![
            "2026-02-29", "2024-02-29", "1900-02-29", "2000-02-29", "2026-1-01", "2026/01/01",
            " 2026-01-01", "2026-01-01T00:00", "２０２６-01-01", "-202-01-01", "",
        ])
        .prop_map(String::from),
    ]
    .prop_map(Value::String)
    .boxed()
}

fn time_values() -> BoxedStrategy<Value> {
    prop_oneof![
        3 => time(),
        1 => (0u32..100, 0u32..100).prop_map(|(h, m)| format!("{h:02}:{m:02}")),
        1 => "[0-9+ -]{2}:[0-9+ -]{2}",
        1 => select(vec!["24:00", "23:60", "9:30", "09:30:00", "0930", "", "٠٩:٣٠"])
            .prop_map(String::from),
    ]
    .prop_map(Value::String)
    .boxed()
}

fn upload_values() -> BoxedStrategy<Value> {
    let id = prop_oneof![
        4 => "[0-9a-f]{16}",
        1 => "[0-9a-fA-F]{16}",
        1 => "[0-9a-g]{15,17}",
        1 => any::<String>(),
    ];
    let id_value = prop_oneof![4 => id.prop_map(Value::String), 1 => json_leaf()];
    prop_oneof![
        3 => vec(id_value.clone(), 0..4).prop_map(Value::Array),
        1 => vec(id_value, (MAX_UPLOADER_FILES - 1)..=(MAX_UPLOADER_FILES + 1)).prop_map(Value::Array),
        1 => "[0-9a-f]{16}".prop_map(|id| json!([id, id])),
        1 => select(vec![json!(null), json!("0123456789abcdef"), json!({})]),
    ]
    .boxed()
}

/// The columns both table widgets are fuzzed over, `rows` rows of them:
/// `n` (integers, 0 to 100), `price` (floats, required), `name` (text, at
/// most 5 characters), `region` (text, `a` or `b`), `ok` (booleans), `day`
/// (dates), `at` (datetimes), `opens` (times) and `tags` (text lists,
/// never editable).
fn fuzz_table(rows: usize) -> Vec<host::model::table::Column> {
    use host::model::table::{Column, ColumnConfig, ColumnEditing, ColumnValues as V};
    let with = |mut c: Column, e: ColumnEditing| {
        c.config = Some(ColumnConfig {
            editing: Some(e),
            ..ColumnConfig::default()
        });
        c
    };
    let n = |f: fn(usize) -> i64| (0..rows).map(f).collect::<Vec<_>>();
    vec![
        with(
            Column::new("n", V::Integer(n(|r| r as i64))),
            ColumnEditing {
                min: Some(0.0),
                max: Some(100.0),
                ..ColumnEditing::default()
            },
        ),
        with(
            Column::new(
                "price",
                V::Float((0..rows).map(|r| r as f64 + 0.5).collect()),
            ),
            ColumnEditing {
                required: true,
                ..ColumnEditing::default()
            },
        ),
        with(
            Column::new(
                "name",
                V::Text((0..rows).map(|r| format!("n{r}")).collect()),
            ),
            ColumnEditing {
                max_chars: Some(5),
                ..ColumnEditing::default()
            },
        ),
        with(
            Column::new(
                "region",
                V::Text((0..rows).map(|_| "a".to_owned()).collect()),
            ),
            ColumnEditing {
                options: Some(vec!["a".into(), "b".into()]),
                ..ColumnEditing::default()
            },
        ),
        Column::new("ok", V::Boolean((0..rows).map(|r| r % 2 == 0).collect())),
        Column::new("day", V::Date((0..rows).map(|r| r as i32).collect())),
        Column::new("at", V::Datetime(n(|r| r as i64))),
        Column::new("opens", V::Time(n(|r| r as i64))),
        Column::new("tags", V::TextList((0..rows).map(|_| Vec::new()).collect())),
    ]
}

const TABLE_COLUMNS: [&str; 9] = [
    "n", "price", "name", "region", "ok", "day", "at", "opens", "tags",
];

/// A dataframe to select in or a table to edit over [`fuzz_table`]; with
/// `valid`, only specs `check()` takes.
fn table_spec(valid: bool) -> BoxedStrategy<WidgetSpec> {
    let count = || {
        select(vec![
            SelectCount::Off,
            SelectCount::Single,
            SelectCount::Multi,
        ])
    };
    (
        prop_oneof![1 => Just(0usize), 4 => 1usize..4],
        count(),
        count(),
        any::<bool>(),
        vec(select(TABLE_COLUMNS.to_vec()), 0..3),
        any::<bool>(),
    )
        .prop_map(
            move |(rows, select_rows, select_columns, editor, disabled, dynamic_rows)| {
                if editor {
                    return WidgetSpec::DataEditor(DataEditor {
                        digest: host::model::table::table_digest(&fuzz_table(rows)),
                        columns: Arc::new(fuzz_table(rows)),
                        height: None,
                        dynamic_rows,
                        disabled: disabled.into_iter().map(String::from).collect(),
                    });
                }
                let both_off =
                    select_rows == SelectCount::Off && select_columns == SelectCount::Off;
                WidgetSpec::DataframeSelect(DataframeSelect {
                    columns: Arc::new(fuzz_table(rows)),
                    height: None,
                    select_rows: if valid && both_off {
                        SelectCount::Multi
                    } else {
                        select_rows
                    },
                    select_columns,
                })
            },
        )
        .boxed()
}

/// Datetimes the fuzzing sends, with the microseconds each means (none:
/// not RFC 3339, which also takes a space for the `T`).
const DATETIMES: [(&str, Option<i64>); 11] = [
    ("2026-12-02x10:00:00Z", None),
    ("2026-12-02T10:00:00.1234567Z", None),
    ("2026-12-02T10:00:60Z", None),
    ("2026-12-02T10:00:00Z", Some(1_796_205_600_000_000)),
    ("2026-12-02T10:00:00+01:00", Some(1_796_202_000_000_000)),
    ("2026-12-02T10:00:00.5Z", Some(1_796_205_600_500_000)),
    ("1970-01-01T00:00:00Z", Some(0)),
    ("2026-12-02 10:00:00Z", Some(1_796_205_600_000_000)),
    ("2026-12-02T10:00Z", None),
    ("2026-12-02T25:00:00Z", None),
    ("2026-12-02", None),
];

/// Values aimed at a table widget's rules: rows, columns and cells near
/// and past what they take; for a data editor (its table's `digest`),
/// with that digest, another or none.
fn table_values(editor: Option<String>) -> BoxedStrategy<Value> {
    let row_number = || {
        prop_oneof![
            4 => (0u64..5).prop_map(Value::from),
            1 => select(vec![json!(-1), json!(1.0), json!("0"), json!(null)]),
        ]
    };
    let column = || {
        prop_oneof![
            6 => select(TABLE_COLUMNS.to_vec()).prop_map(String::from),
            1 => Just("nope".to_owned()),
            1 => any::<String>(),
        ]
    };
    let Some(digest) = editor else {
        return prop_oneof![
            4 => (vec(row_number(), 0..4), vec(column().prop_map(Value::String), 0..3), 0u8..4)
                .prop_map(|(rows, columns, shape)| match shape {
                    0 => json!({"rows": rows}),
                    1 => json!({"columns": columns}),
                    2 => json!({"rows": rows, "columns": columns, "cells": []}),
                    _ => json!({"rows": rows, "columns": columns}),
                }),
            1 => json_value(),
        ]
        .boxed();
    };
    let texts = |pool: Vec<&'static str>| {
        select(pool)
            .prop_map(|t| Value::String(t.to_owned()))
            .boxed()
    };
    let any_cell = prop_oneof![
        2 => Just(Value::Null),
        2 => any::<bool>().prop_map(Value::from),
        3 => (-5i64..120).prop_map(Value::from),
        2 => select(vec![0.5, -0.5, 100.0, 100.5, 1e300]).prop_map(Value::from),
        3 => texts(vec!["a", "", "abcdef", "2026-12-02", "08:30"]),
        1 => any::<String>().prop_map(Value::String),
        1 => Just(json!([1])),
    ]
    .boxed();
    // Mostly values near the column's own rules, so one broken rule is
    // not hidden behind another.
    let near = move |column: &str| -> BoxedStrategy<Value> {
        match column {
            "n" => prop_oneof![(-2i64..103).prop_map(Value::from), Just(json!(5.5))].boxed(),
            "price" => prop_oneof![
                select(vec![0.5, -3.0, 1e300]).prop_map(Value::from),
                (0i64..5).prop_map(Value::from),
                Just(Value::Null)
            ]
            .boxed(),
            "name" => texts(vec!["a", "", "abcde", "abcdef", "ünïcö", "ünïcöd"]),
            "region" => texts(vec!["a", "b", "c", "A"]),
            "ok" => prop_oneof![any::<bool>().prop_map(Value::from), Just(json!(1))].boxed(),
            "day" => texts(vec![
                "2026-12-02",
                "2024-02-29",
                "2026-02-29",
                "2026-13-01",
                "+2026-12-01",
                "0000-01-01",
                "9999-12-31",
                "2026-1-01",
            ]),
            "at" => select(DATETIMES.iter().map(|(t, _)| *t).collect::<Vec<_>>())
                .prop_map(Value::from)
                .boxed(),
            "opens" => texts(vec![
                "08:30",
                "08:30:15",
                "08:30:15.25",
                "23:59:59.999999",
                "24:00",
                "8:30",
                "08:30:60",
                "08:30:15.1234567",
                "08:30.5",
                "08:30:15.",
                "+1:+2",
                "-0:00",
            ]),
            _ => Just(json!([])).boxed(),
        }
    };
    let pair = column().prop_flat_map(move |c| {
        let v = prop_oneof![6 => near(&c), 1 => any_cell.clone(), 1 => Just(Value::Null)];
        (Just(c), v)
    });
    let cells =
        move || vec(pair.clone(), 0..3).prop_map(|pairs| pairs.into_iter().collect::<Map<_, _>>());
    let row_key = prop_oneof![
        6 => select(vec!["0", "1", "2"]),
        1 => select(vec!["3", "01", "+1", "-1", "x", ""]),
    ]
    .prop_map(String::from);
    (
        option::of(btree_map(row_key, cells().prop_map(Value::Object), 0..3)),
        option::of(vec(cells().prop_map(Value::Object), 0..3)),
        option::of(vec(row_number(), 0..3)),
        prop_oneof![9 => Just(None), 1 => Just(Some("removed"))],
        prop_oneof![
            2 => Just(None),
            2 => Just(Some(Value::String(digest))),
            1 => select(vec![json!("0000000000000000"), json!(7)]).prop_map(Some),
        ],
    )
        .prop_map(|(edited, added, deleted, extra, digest)| {
            let mut object = Map::new();
            if let Some(edited) = edited {
                object.insert(
                    "edited_rows".into(),
                    Value::Object(edited.into_iter().collect()),
                );
            }
            if let Some(added) = added {
                object.insert("added_rows".into(), Value::Array(added));
            }
            if let Some(deleted) = deleted {
                object.insert("deleted_rows".into(), Value::Array(deleted));
            }
            if let Some(extra) = extra {
                object.insert(extra.into(), json!([]));
            }
            if let Some(digest) = digest {
                object.insert("digest".into(), digest);
            }
            Value::Object(object)
        })
        .boxed()
}

/// Days from 1970-01-01 to the date (proleptic Gregorian), counted day
/// by day from the start of the year and year by year from 1970.
fn days_since_epoch(y: u32, m: u32, d: u32) -> i64 {
    let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let year_days = |y: i64| if leap(y) { 366 } else { 365 };
    let y = i64::from(y);
    let mut days: i64 = if y >= 1970 {
        (1970..y).map(year_days).sum()
    } else {
        -(y..1970).map(year_days).sum::<i64>()
    };
    days += (1..m)
        .map(|month| i64::from(days_in(y as u32, month)))
        .sum::<i64>();
    days + i64::from(d) - 1
}

/// What a data editor's cell in `column` is worth, by the documented rules.
fn documented_cell(column: &str, value: &Value) -> Option<Cell> {
    if value.is_null() {
        return (column != "price").then_some(Cell::Null);
    }
    match column {
        "n" => value
            .as_i64()
            .filter(|i| (0..=100).contains(i))
            .map(Cell::Integer),
        "price" => value.as_f64().filter(|f| f.is_finite()).map(Cell::Float),
        "name" => value
            .as_str()
            .filter(|t| t.chars().count() <= 5)
            .map(|t| Cell::Text(t.to_owned())),
        "region" => value
            .as_str()
            .filter(|t| *t == "a" || *t == "b")
            .map(|t| Cell::Text(t.to_owned())),
        "ok" => value.as_bool().map(Cell::Boolean),
        "day" => {
            let (y, m, d) = strict_date(value.as_str()?)?;
            Some(Cell::Date(days_since_epoch(y, m, d) as i32))
        }
        "at" => {
            let text = value.as_str()?;
            DATETIMES
                .iter()
                .find(|(t, _)| *t == text)?
                .1
                .map(Cell::Datetime)
        }
        "opens" => {
            // HH:MM, HH:MM:SS or HH:MM:SS.f (1 to 6 digits).
            let text = value.as_str()?;
            let (clock, fraction) = match text.split_once('.') {
                Some((c, f)) => {
                    let ok = (1..=6).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit());
                    (
                        c,
                        if ok {
                            format!("{f:0<6}").parse::<i64>().ok()?
                        } else {
                            return None;
                        },
                    )
                }
                None => (text, 0),
            };
            let (hm, seconds) = match clock.len() {
                5 => (clock, 0),
                8 => (
                    &clock[..5],
                    i64::from(digits(clock.get(6..)?, 2).filter(|s| *s < 60)?),
                ),
                _ => return None,
            };
            if clock.len() == 8 && clock.as_bytes()[5] != b':' {
                return None;
            }
            if clock.len() == 5 && fraction != 0 {
                return None;
            }
            let (h, m) = strict_time(hm)?;
            Some(Cell::Time(
                ((i64::from(h) * 60 + i64::from(m)) * 60 + seconds) * 1_000_000 + fraction,
            ))
        }
        _ => None,
    }
}

/// What `value` is worth for a table widget over [`fuzz_table`].
fn documented_table_value(spec: &WidgetSpec, value: &Value) -> Option<WidgetValue> {
    let object = value.as_object()?;
    let rows = match spec {
        WidgetSpec::DataframeSelect(s) => s.columns[0].values.len(),
        WidgetSpec::DataEditor(e) => e.columns[0].values.len(),
        _ => return None,
    };
    let row_number = |v: &Value| {
        v.as_u64()
            .filter(|r| (*r as usize) < rows)
            .map(|r| r as u32)
    };
    let distinct = |items: &[String]| {
        items
            .iter()
            .enumerate()
            .all(|(i, a)| !items[..i].contains(a))
    };
    match spec {
        WidgetSpec::DataframeSelect(s) => {
            if object.keys().any(|k| k != "rows" && k != "columns") {
                return None;
            }
            let empty = Vec::new();
            let list = |k: &str| object.get(k).map_or(Some(&empty), Value::as_array);
            let mut picked: Vec<u32> = list("rows")?
                .iter()
                .map(row_number)
                .collect::<Option<_>>()?;
            let names: Vec<String> = list("columns")?
                .iter()
                .map(|v| {
                    v.as_str()
                        .filter(|n| TABLE_COLUMNS.contains(n))
                        .map(String::from)
                })
                .collect::<Option<_>>()?;
            let as_text: Vec<String> = picked.iter().map(|r| r.to_string()).collect();
            if !distinct(&as_text) || !distinct(&names) {
                return None;
            }
            let fits = |count: SelectCount, n: usize| match count {
                SelectCount::Off => n == 0,
                SelectCount::Single => n <= 1,
                SelectCount::Multi => true,
            };
            if !fits(s.select_rows, picked.len()) || !fits(s.select_columns, names.len()) {
                return None;
            }
            picked.sort();
            let columns = TABLE_COLUMNS
                .iter()
                .filter(|c| names.iter().any(|n| n == *c))
                .map(|c| (*c).to_owned())
                .collect();
            Some(WidgetValue::Selection {
                rows: picked,
                columns,
            })
        }
        WidgetSpec::DataEditor(e) => {
            if object.keys().any(|k| {
                !["edited_rows", "added_rows", "deleted_rows", "digest"].contains(&k.as_str())
            }) {
                return None;
            }
            // Bound to the table's digest when the value names one.
            let digest = match object.get("digest") {
                None => None,
                Some(d) => Some(d.as_str().filter(|d| *d == e.digest)?.to_owned()),
            };
            let editable = |c: &str| c != "tags" && !e.disabled.iter().any(|d| d == c);
            let known = |c: &str| TABLE_COLUMNS.contains(&c);
            let mut edited: Vec<(u32, String, Cell)> = Vec::new();
            if let Some(by_row) = object.get("edited_rows") {
                let mut keyed: Vec<(u32, &Map<String, Value>)> = Vec::new();
                for (key, cells) in by_row.as_object()? {
                    let r: u32 = key.parse().ok()?;
                    if r.to_string() != *key || r as usize >= rows {
                        return None;
                    }
                    keyed.push((r, cells.as_object()?));
                }
                keyed.sort_by_key(|(r, _)| *r);
                for (r, cells) in keyed {
                    for name in TABLE_COLUMNS {
                        if let Some(v) = cells.get(name) {
                            if !editable(name) {
                                return None;
                            }
                            edited.push((r, name.to_owned(), documented_cell(name, v)?));
                        }
                    }
                    if cells.keys().any(|k| !known(k)) {
                        return None;
                    }
                }
            }
            let added_items = match object.get("added_rows") {
                Some(v) => v.as_array()?.clone(),
                None => Vec::new(),
            };
            let deleted_items = match object.get("deleted_rows") {
                Some(v) => v.as_array()?.clone(),
                None => Vec::new(),
            };
            if (!added_items.is_empty() || !deleted_items.is_empty()) && !e.dynamic_rows {
                return None;
            }
            let mut added = Vec::new();
            for item in &added_items {
                let given = item.as_object()?;
                if given.keys().any(|k| !known(k) || !editable(k)) {
                    return None;
                }
                let row: Vec<Cell> = TABLE_COLUMNS
                    .iter()
                    .map(|c| documented_cell(c, given.get(*c).unwrap_or(&Value::Null)))
                    .collect::<Option<_>>()?;
                added.push(row);
            }
            let mut deleted: Vec<u32> = deleted_items
                .iter()
                .map(row_number)
                .collect::<Option<_>>()?;
            let as_text: Vec<String> = deleted.iter().map(|r| r.to_string()).collect();
            if !distinct(&as_text) {
                return None;
            }
            deleted.sort();
            Some(WidgetValue::Edits(TableEdits {
                edited,
                added,
                deleted,
                names: TABLE_COLUMNS.iter().map(|c| (*c).to_owned()).collect(),
                digest,
            }))
        }
        _ => None,
    }
}

/// Values aimed at `spec`'s rules, and arbitrary JSON.
fn values_for(spec: &WidgetSpec) -> BoxedStrategy<Value> {
    use WidgetSpec as W;
    let aimed = match spec.clone() {
        W::DataframeSelect(_) => return table_values(None),
        W::DataEditor(e) => return table_values(Some(e.digest)),
        W::Button(Button)
        | W::DialogDismiss(DialogDismiss)
        | W::SubmitButton(SubmitButton)
        | W::DownloadButton(DownloadButton { .. })
        | W::Checkbox(Checkbox { .. })
        | W::Toggle(Toggle { .. }) => prop_oneof![
            any::<bool>().prop_map(Value::Bool),
            Just(json!(false)),
            select(vec![json!("true"), json!(1), json!(0), json!(null)]),
        ]
        .boxed(),
        W::IntSlider(IntSlider { min, max, .. }) => int_values(min, max),
        W::IntRangeSlider(IntRangeSlider { min, max, .. }) => {
            (int_values(min, max), int_values(min, max))
                .prop_map(|(a, b)| json!([a, b]))
                .boxed()
        }
        W::FloatRangeSlider(FloatRangeSlider { min, max, .. }) => (
            float_values(Some(min), Some(max)),
            float_values(Some(min), Some(max)),
        )
            .prop_map(|(a, b)| json!([a, b]))
            .boxed(),
        W::FloatSlider(FloatSlider { min, max, .. }) => float_values(Some(min), Some(max)),
        W::NumberInput(NumberInput { min, max, .. }) => {
            prop_oneof![6 => float_values(min, max), 1 => Just(json!(null))].boxed()
        }
        W::ChatInput(ChatInput {
            max_chars,
            accept_file: AcceptFile::One | AcceptFile::Multiple,
            ..
        }) => prop_oneof![
            4 => (text_values(max_chars), upload_values())
                .prop_map(|(text, files)| json!({"text": text, "files": files})),
            1 => text_values(max_chars),
            1 => Just(json!({"text": "hi"})),
        ]
        .boxed(),
        W::TextInput(TextInput { max_chars, .. })
        | W::TextArea(TextArea { max_chars, .. })
        | W::ChatInput(ChatInput { max_chars, .. }) => text_values(max_chars),
        W::Selectbox(Selectbox {
            accept_new_options: true,
            ..
        }) => prop_oneof![new_option_values(), index_values(2)].boxed(),
        W::SelectSlider(SelectSlider {
            options,
            high: Some(_),
            ..
        }) => (
            index_values(options.len() as u64),
            index_values(options.len() as u64),
        )
            .prop_map(|(a, b)| json!([a, b]))
            .boxed(),
        W::Selectbox(Selectbox { options, .. })
        | W::Radio(Radio { options, .. })
        | W::SelectSlider(SelectSlider { options, .. }) => index_values(options.len() as u64),
        W::Feedback(Feedback { options, .. }) => index_values(u64::from(options)),
        W::Multiselect(Multiselect {
            accept_new_options: true,
            max_selections,
            ..
        }) => {
            let longest = max_selections.map_or(6, |m| (m as usize + 2).min(14));
            prop_oneof![
                3 => vec(new_option_values(), 0..=longest).prop_map(Value::Array),
                1 => multiselect_values(3, max_selections),
            ]
            .boxed()
        }
        W::Multiselect(Multiselect {
            options,
            max_selections,
            ..
        }) => multiselect_values(options.len(), max_selections),
        W::ColorPicker(ColorPicker { .. }) => color_values(),
        W::DateInput(DateInput {
            min, max, range, ..
        }) => {
            let one = date_values(min, max);
            if range {
                prop_oneof![
                    4 => (one.clone(), one.clone()).prop_map(|(a, b)| json!([a, b])),
                    1 => one,
                    1 => Just(json!(null)),
                ]
                .boxed()
            } else {
                prop_oneof![6 => one, 1 => Just(json!(null))].boxed()
            }
        }
        W::DatetimeInput(DatetimeInput { min, max, .. }) => {
            let day = |m: Option<String>| m.and_then(|m| m.get(..10).map(str::to_owned));
            let dates = date_values(day(min), day(max));
            prop_oneof![
                6 => (dates, time_values(), select(vec!["T", " ", "t"]))
                    .prop_map(|(d, t, sep)| match (d.as_str(), t.as_str()) {
                        (Some(d), Some(t)) => json!(format!("{d}{sep}{t}")),
                        _ => d,
                    }),
                1 => Just(json!(null)),
            ]
            .boxed()
        }
        W::TimeInput(TimeInput { .. }) => time_values(),
        W::FileUploader(FileUploader { .. })
        | W::CameraInput(CameraInput { .. })
        | W::AudioInput(AudioInput { .. }) => upload_values(),
        W::Pills(Pills { choice }) | W::SegmentedControl(SegmentedControl { choice }) => {
            if choice.multi {
                multiselect_values(choice.options.len(), None)
            } else {
                index_values(choice.options.len() as u64)
            }
        }
    };
    prop_oneof![3 => aimed, 1 => json_value()].boxed()
}

/// Options a user might type: short, blank, long, and not text.
fn new_option_values() -> BoxedStrategy<Value> {
    prop_oneof![
        4 => short_text().prop_map(Value::from),
        1 => select(vec![MAX_NEW_OPTION_CHARS, MAX_NEW_OPTION_CHARS + 1])
            .prop_map(|n| json!("é".repeat(n))),
        1 => select(vec![json!(" "), json!(null), json!(3), json!(["a"])]),
    ]
    .boxed()
}

/// A spec and values for it.
fn spec_and_value(specs: BoxedStrategy<WidgetSpec>) -> impl Strategy<Value = (WidgetSpec, Value)> {
    specs.prop_flat_map(|spec| {
        let values = values_for(&spec);
        (Just(spec), values)
    })
}

/// Exactly `n` ASCII digits.
fn digits(s: &str, n: usize) -> Option<u32> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// A real date written `YYYY-MM-DD`.
fn strict_date(s: &str) -> Option<(u32, u32, u32)> {
    let mut parts = s.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let (y, m, d) = (digits(y, 4)?, digits(m, 2)?, digits(d, 2)?);
    ((1..=12).contains(&m) && (1..=days_in(y, m)).contains(&d)).then_some((y, m, d))
}

/// A time of day written `HH:MM`.
fn strict_time(s: &str) -> Option<(u32, u32)> {
    let (h, m) = s.split_once(':')?;
    let (h, m) = (digits(h, 2)?, digits(m, 2)?);
    (h < 24 && m < 60).then_some((h, m))
}

/// At most `most` distinct upload ids (16 hex digits), as docs/protocol.md
/// has them.
fn upload_list(value: &Value, most: usize) -> Option<Vec<String>> {
    let items = value.as_array()?;
    if items.len() > most {
        return None;
    }
    let mut ids: Vec<String> = Vec::new();
    for item in items {
        let id = item.as_str()?;
        if id.len() != 16
            || !id.bytes().all(|b| b.is_ascii_hexdigit())
            || ids.iter().any(|s| s == id)
        {
            return None;
        }
        ids.push(id.to_owned());
    }
    Some(ids)
}

/// What `value` is worth for a checked `spec`, from the rules in
/// docs/protocol.md and the widgets' parameters, or `None` if it must be
/// refused.
fn documented_value(spec: &WidgetSpec, value: &Value) -> Option<WidgetValue> {
    use WidgetSpec as W;
    let index_below = |v: &Value, n: u64| v.as_u64().filter(|i| *i < n).map(|i| i as u32);
    let text_within = |max: &Option<u32>| {
        let s = value.as_str()?;
        max.is_none_or(|m| s.chars().count() <= m as usize)
            .then(|| WidgetValue::Text(s.to_owned()))
    };
    // Typed options: one of the options, or new text that is not blank and
    // at most MAX_NEW_OPTION_CHARS characters.
    let typed = |v: &Value, options: &[String]| {
        v.as_str()
            .filter(|s| {
                options.iter().any(|o| o == s)
                    || (!s.trim().is_empty() && s.chars().count() <= MAX_NEW_OPTION_CHARS)
            })
            .map(str::to_owned)
    };
    let empty_allowed = |default: &Option<String>| default.is_none() && value.is_null();
    let uploads = |most: usize| upload_list(value, most).map(WidgetValue::Files);
    match spec {
        W::DataframeSelect(_) | W::DataEditor(_) => documented_table_value(spec, value),
        W::DownloadButton(DownloadButton {
            ignore_click: true, ..
        }) => (value.as_bool() == Some(false)).then_some(WidgetValue::Bool(false)),
        W::Button(Button)
        | W::DialogDismiss(DialogDismiss)
        | W::SubmitButton(SubmitButton)
        | W::DownloadButton(DownloadButton { .. })
        | W::Checkbox(Checkbox { .. })
        | W::Toggle(Toggle { .. }) => value.as_bool().map(WidgetValue::Bool),
        W::IntSlider(IntSlider { min, max, .. }) => value
            .as_i64()
            .filter(|v| (min..=max).contains(&v))
            .map(WidgetValue::Int),
        W::FloatSlider(FloatSlider { min, max, .. }) => value
            .as_f64()
            .filter(|v| (min..=max).contains(&v))
            .map(WidgetValue::Float),
        W::IntRangeSlider(IntRangeSlider { min, max, .. }) => {
            let pair = value.as_array().filter(|a| a.len() == 2)?;
            let (low, high) = (pair[0].as_i64()?, pair[1].as_i64()?);
            (min <= &low && low <= high && &high <= max).then_some(WidgetValue::IntRange(low, high))
        }
        W::FloatRangeSlider(FloatRangeSlider { min, max, .. }) => {
            let pair = value.as_array().filter(|a| a.len() == 2)?;
            let (low, high) = (pair[0].as_f64()?, pair[1].as_f64()?);
            (min <= &low && low <= high && &high <= max)
                .then_some(WidgetValue::FloatRange(low, high))
        }
        W::NumberInput(NumberInput { default: None, .. }) if value.is_null() => {
            Some(WidgetValue::Empty)
        }
        W::NumberInput(NumberInput {
            min, max, integer, ..
        }) => {
            let v = value
                .as_f64()
                .filter(|v| min.is_none_or(|lo| *v >= lo) && max.is_none_or(|hi| *v <= hi))?;
            if *integer {
                // Whole numbers a browser holds exactly.
                (v.fract() == 0.0 && v.abs() <= 9_007_199_254_740_991.0)
                    .then_some(WidgetValue::Int(v as i64))
            } else {
                Some(WidgetValue::Float(v))
            }
        }
        W::ChatInput(ChatInput {
            max_chars,
            accept_file: accept @ (AcceptFile::One | AcceptFile::Multiple),
            ..
        }) => {
            let message = value.as_object().filter(|m| m.len() == 2)?;
            let text = message.get("text")?.as_str()?;
            if max_chars.is_some_and(|m| text.chars().count() > m as usize) {
                return None;
            }
            let most = if *accept == AcceptFile::One {
                1
            } else {
                MAX_UPLOADER_FILES
            };
            let ids = upload_list(message.get("files")?, most)?;
            Some(WidgetValue::Chat {
                text: text.to_owned(),
                files: ids,
            })
        }
        W::TextInput(TextInput { max_chars, .. })
        | W::TextArea(TextArea { max_chars, .. })
        | W::ChatInput(ChatInput { max_chars, .. }) => text_within(max_chars),
        W::Selectbox(Selectbox {
            accept_new_options: true,
            options,
            ..
        }) => match value {
            Value::Null => Some(WidgetValue::Empty),
            v => typed(v, options).map(WidgetValue::Text),
        },
        W::SelectSlider(SelectSlider {
            options,
            high: Some(_),
            ..
        }) => {
            let pair = value.as_array().filter(|a| a.len() == 2)?;
            let n = options.len() as u64;
            let (low, high) = (index_below(&pair[0], n)?, index_below(&pair[1], n)?);
            (low <= high).then(|| WidgetValue::Indices(vec![low, high]))
        }
        W::Selectbox(Selectbox { options, .. }) | W::Radio(Radio { options, .. }) => match value {
            Value::Null => Some(WidgetValue::Index(None)),
            v => index_below(v, options.len() as u64).map(|i| WidgetValue::Index(Some(i))),
        },
        W::Feedback(Feedback { options, .. }) => match value {
            Value::Null => Some(WidgetValue::Index(None)),
            v => index_below(v, u64::from(*options)).map(|i| WidgetValue::Index(Some(i))),
        },
        W::SelectSlider(SelectSlider { options, .. }) => {
            index_below(value, options.len() as u64).map(|i| WidgetValue::Index(Some(i)))
        }
        W::Pills(Pills { choice }) | W::SegmentedControl(SegmentedControl { choice })
            if !choice.multi =>
        {
            match value {
                Value::Null => Some(WidgetValue::Index(None)),
                v => {
                    index_below(v, choice.options.len() as u64).map(|i| WidgetValue::Index(Some(i)))
                }
            }
        }
        W::Pills(Pills { choice }) | W::SegmentedControl(SegmentedControl { choice }) => {
            let items = value.as_array()?;
            let mut chosen = Vec::new();
            for item in items {
                let i = index_below(item, choice.options.len() as u64)?;
                if chosen.contains(&i) {
                    return None;
                }
                chosen.push(i);
            }
            Some(WidgetValue::Indices(chosen))
        }
        W::Multiselect(Multiselect {
            accept_new_options: true,
            max_selections,
            options,
            ..
        }) => {
            let items = value.as_array()?;
            if max_selections.is_some_and(|m| items.len() > m as usize)
                || items.len() > MAX_SELECT_OPTIONS
            {
                return None;
            }
            let mut texts: Vec<String> = Vec::new();
            for item in items {
                let text = typed(item, options)?;
                if texts.contains(&text) {
                    return None;
                }
                texts.push(text);
            }
            Some(WidgetValue::Texts(texts))
        }
        W::Multiselect(Multiselect {
            options,
            max_selections,
            ..
        }) => {
            let items = value.as_array()?;
            if max_selections.is_some_and(|m| items.len() > m as usize) {
                return None;
            }
            let mut chosen = Vec::new();
            for item in items {
                let i = index_below(item, options.len() as u64)?;
                if chosen.contains(&i) {
                    return None;
                }
                chosen.push(i);
            }
            Some(WidgetValue::Indices(chosen))
        }
        W::ColorPicker(ColorPicker { .. }) => {
            let s = value.as_str()?;
            let hex = s.strip_prefix('#')?;
            (hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
                .then(|| WidgetValue::Text(s.to_ascii_lowercase()))
        }
        W::DateInput(DateInput { default, .. }) if empty_allowed(default) => {
            Some(WidgetValue::Empty)
        }
        W::DateInput(DateInput {
            min, max, range, ..
        }) => {
            let bound =
                |b: &Option<String>| b.as_deref().map(|b| strict_date(b).expect("checked bound"));
            let within = |v: &Value| {
                let s = v.as_str()?;
                let date = strict_date(s)?;
                let after_min = bound(min).is_none_or(|lo| date >= lo);
                let before_max = bound(max).is_none_or(|hi| date <= hi);
                (after_min && before_max).then(|| (date, s.to_owned()))
            };
            if !range {
                return within(value).map(|(_, s)| WidgetValue::Text(s));
            }
            let pair = value.as_array().filter(|a| a.len() == 2)?;
            let ((first, a), (last, b)) = (within(&pair[0])?, within(&pair[1])?);
            (first <= last).then_some(WidgetValue::TextRange(a, b))
        }
        W::DatetimeInput(DatetimeInput { default, .. }) if empty_allowed(default) => {
            Some(WidgetValue::Empty)
        }
        W::DatetimeInput(DatetimeInput { min, max, .. }) => {
            let s = value.as_str()?;
            let (date, time) = s.split_once('T')?;
            strict_date(date)?;
            strict_time(time)?;
            // Fixed-width text: its order is the moments' order.
            let after_min = min.as_deref().is_none_or(|lo| s >= lo);
            let before_max = max.as_deref().is_none_or(|hi| s <= hi);
            (after_min && before_max).then(|| WidgetValue::Text(s.to_owned()))
        }
        W::CameraInput(CameraInput { .. }) | W::AudioInput(AudioInput { .. }) => uploads(1),
        W::TimeInput(TimeInput { .. }) => {
            let s = value.as_str()?;
            strict_time(s).map(|_| WidgetValue::Text(s.to_owned()))
        }
        W::FileUploader(FileUploader { multiple, .. }) => {
            uploads(if *multiple { MAX_UPLOADER_FILES } else { 1 })
        }
    }
}

proptest! {
    #![proptest_config(config())]

    /// `validate` never panics, a refusal says why, and an accepted value
    /// sent again is accepted as the same value.
    #[test]
    fn validate_never_panics_and_round_trips(
        (spec, value) in spec_and_value(prop_oneof![valid_spec(true), any_spec()].boxed()),
    ) {
        match spec.validate(&value) {
            Err(message) => prop_assert!(!message.is_empty(), "empty refusal of {}", value),
            Ok(accepted) => {
                let again = serde_json::to_value(&accepted).expect("a widget value is JSON");
                prop_assert_eq!(
                    spec.validate(&again),
                    Ok(accepted.clone()),
                    "{:?} accepted {} as {:?}, then not {}",
                    spec, value, accepted, again
                );
            }
        }
    }

    /// A checked widget accepts exactly the values its rules allow.
    #[test]
    fn validate_accepts_exactly_the_documented_values(
        (spec, value) in spec_and_value(valid_spec(false)),
    ) {
        prop_assert_eq!(spec.check(), Ok(()), "the strategy made an invalid spec");
        prop_assert_eq!(
            spec.validate(&value).ok(),
            documented_value(&spec, &value),
            "{:?} given {}", spec, value
        );
    }

    /// The value a widget starts with is one it accepts.
    #[test]
    fn default_value_of_a_valid_spec_validates(spec in valid_spec(false)) {
        check_default(&spec)?;
    }

    /// Ids never panic: a key gives `key:<key>`, otherwise `<kind>:<16 hex>`,
    /// the same every time.
    #[test]
    fn widget_id_never_panics(
        spec in prop_oneof![valid_spec(true), any_spec()],
        label in any::<String>(),
        key in option::of(any::<String>()),
    ) {
        let id = host_widget_id(&spec, &label, key.as_deref());
        prop_assert_eq!(&id, &host_widget_id(&spec, &label, key.as_deref()));
        match &key {
            Some(key) => prop_assert_eq!(id, format!("key:{key}")),
            None => {
                let hash = id.as_str().strip_prefix(&format!("{}:", spec.kind()));
                prop_assert!(
                    hash.is_some_and(|h| h.len() == 16
                        && h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))),
                    "bad id {:?} for {:?}", id, spec
                );
            }
        }
    }
}

fn check_default(spec: &WidgetSpec) -> Result<(), TestCaseError> {
    prop_assert_eq!(spec.check(), Ok(()), "the strategy made an invalid spec");
    let default = serde_json::to_value(spec.default_value()).expect("a widget value is JSON");
    let accepted = spec.validate(&default);
    prop_assert!(
        accepted.is_ok(),
        "{:?} refuses its own default {}: {:?}",
        spec,
        default,
        accepted
    );
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    /// Every spec `check()` accepts (the strategy also makes multiselect
    /// defaults that list an option twice, which `check()` must refuse).
    #[test]
    fn default_value_validates_for_every_spec_check_accepts(spec in valid_spec(true)) {
        if spec.check().is_ok() {
            check_default(&spec)?;
        }
    }
}

/// Minimal failing input of `default_value_validates_for_every_spec_check_accepts`.
#[test]
fn check_and_validate_agree_on_multiselect_defaults() {
    let spec = WidgetSpec::Multiselect(Multiselect {
        options: vec![String::new()],
        default: vec![0, 0],
        max_selections: None,
        placeholder: None,
        accept_new_options: false,
    });
    let default = serde_json::to_value(spec.default_value()).unwrap();
    assert!(
        spec.check().is_err() || spec.validate(&default).is_ok(),
        "check() accepts {spec:?}, validate() refuses its default: {:?}",
        spec.validate(&default)
    );
}

/// docs/protocol.md: dates are `"YYYY-MM-DD"`, times `"HH:MM"`.
#[test]
fn dates_and_times_with_signed_parts_are_refused() {
    let date = WidgetSpec::DateInput(DateInput {
        default: Some("2026-06-01".into()),
        min: None,
        max: Some("2026-06-30".into()),
        range: false,
        end: None,
    });
    let time = WidgetSpec::TimeInput(TimeInput {
        default: "09:30".into(),
        step_minutes: None,
    });
    let mut accepted = Vec::new();
    for value in ["2026-+9-01", "+999-01-01", "2026-06-+1"] {
        if let Ok(v) = date.validate(&json!(value)) {
            accepted.push(format!("date {value} -> {v:?}"));
        }
    }
    for value in ["+9:+5", "+0:00", "09:+5"] {
        if let Ok(v) = time.validate(&json!(value)) {
            accepted.push(format!("time {value} -> {v:?}"));
        }
    }
    let signed_default = WidgetSpec::DateInput(DateInput {
        default: Some("+999-01-01".into()),
        min: None,
        max: None,
        range: false,
        end: None,
    });
    if signed_default.check().is_ok() {
        accepted.push("date default +999-01-01 passes check()".into());
    }
    assert!(accepted.is_empty(), "accepted: {accepted:#?}");
}

/// The value of widget `w` in a `rerun` carrying `value` as text, as the
/// session reads it.
fn sent_over_the_wire(value: f64) -> Value {
    let text = json!({"type": "rerun", "page": "p", "widgets": {"w": value}}).to_string();
    match parse_client(&text) {
        Ok(ClientMessage::Rerun { mut widgets, .. }) => widgets.remove("w").expect("the value"),
        other => panic!("{text} parsed as {other:?}"),
    }
}

proptest! {
    #![proptest_config(config())]

    /// A browser sends a number as its shortest text (`JSON.stringify`),
    /// which names exactly one f64: a float slider at either end, or
    /// anywhere between, must be accepted as that number.
    #[test]
    fn float_slider_values_sent_as_text_are_read_exactly(
        a in finite(),
        b in finite(),
        t in 0.0f64..=1.0,
    ) {
        let (min, max) = (a.min(b), a.max(b));
        let spec = WidgetSpec::FloatSlider(FloatSlider { min, max, step: 1.0, default: min });
        for value in [min, max, pick_f64(min, max, t)] {
            let sent = sent_over_the_wire(value);
            prop_assert_eq!(spec.validate(&sent), Ok(WidgetValue::Float(value)), "sent as {}", sent);
        }
    }
}

/// Minimal failing input of `float_slider_values_sent_as_text_are_read_exactly`.
#[test]
fn a_float_sent_as_its_shortest_text_is_read_exactly() {
    let max = 12.874_560_591_713_891_f64;
    assert_eq!(max.to_string(), "12.874560591713891");
    assert_eq!("12.874560591713891".parse::<f64>(), Ok(max));
    let spec = WidgetSpec::FloatSlider(FloatSlider {
        min: 0.0,
        max,
        step: 0.01,
        default: 0.0,
    });
    let sent = sent_over_the_wire(max);
    assert_eq!(
        sent.as_f64(),
        Some(max),
        "12.874560591713891 read as {sent}"
    );
    assert_eq!(spec.validate(&sent), Ok(WidgetValue::Float(max)));
}

// ---------------------------------------------------------------------------
// Hostile clients against a real server
// ---------------------------------------------------------------------------

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A WebSocket client that can send raw frames (WsClient sends whole
/// messages only).
struct RawClient {
    ws: Socket,
    session: String,
    /// Messages of a frame read but not yet returned.
    pending: std::collections::VecDeque<Value>,
}

impl RawClient {
    async fn connect(url: &str) -> RawClient {
        let (ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("websocket connects");
        let mut client = RawClient {
            ws,
            session: String::new(),
            pending: std::collections::VecDeque::new(),
        };
        client
            .send(Message::Text(r#"{"type":"hello"}"#.into()))
            .await;
        let hello = client.recv().await;
        assert_eq!(hello["type"], "session", "{hello}");
        client.session = hello["id"].as_str().expect("session id").to_owned();
        client
    }

    async fn send(&mut self, message: Message) {
        self.ws.send(message).await.expect("send");
    }

    /// Sends `payload` as one message of `kind` in frames of `chunk` bytes
    /// (splitting UTF-8 characters wherever they fall), with a ping after
    /// frame `ping_after`.
    async fn send_fragmented(
        &mut self,
        kind: Data,
        payload: &[u8],
        chunk: usize,
        ping_after: Option<usize>,
    ) {
        let pieces: Vec<&[u8]> = payload.chunks(chunk).collect();
        assert!(pieces.len() > 1, "one frame is not a fragmented message");
        for (i, piece) in pieces.iter().enumerate() {
            let opcode = OpCode::Data(if i == 0 { kind } else { Data::Continue });
            let frame = Frame::message(piece.to_vec(), opcode, i + 1 == pieces.len());
            self.ws
                .feed(Message::Frame(frame))
                .await
                .expect("send frame");
            if ping_after == Some(i) {
                self.ws
                    .feed(Message::Ping(b"between fragments".to_vec().into()))
                    .await
                    .expect("send ping");
            }
        }
        self.ws.flush().await.expect("flush");
    }

    /// The next JSON message (pings and pongs skipped).
    async fn recv(&mut self) -> Value {
        loop {
            if let Some(message) = self.pending.pop_front() {
                return message;
            }
            let message = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("a message within the wait")
                .expect("socket open")
                .expect("readable message");
            if let Message::Text(text) = message {
                self.pending
                    .extend(tests::frame_messages(text.as_str()).expect("server sends JSON"));
            }
        }
    }

    async fn until(&mut self, mut done: impl FnMut(&Value) -> bool) -> Vec<Value> {
        let mut seen = Vec::new();
        loop {
            let message = self.recv().await;
            let stop = done(&message);
            seen.push(message);
            if stop {
                return seen;
            }
        }
    }

    /// Messages up to the next `run_finished`.
    async fn until_finished(&mut self) -> Vec<Value> {
        self.until(|m| m["type"] == "run_finished").await
    }

    /// Waits for the server to close the socket; says how it ended.
    async fn closed(&mut self) -> String {
        loop {
            let next = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("the server closes the socket within the wait");
            match next {
                None => return "end of stream".into(),
                Some(Err(e)) => return format!("error: {e}"),
                Some(Ok(Message::Close(frame))) => return format!("close frame {frame:?}"),
                Some(Ok(Message::Text(text))) => {
                    panic!("expected the socket to close, got {text}")
                }
                Some(Ok(_)) => {}
            }
        }
    }
}

/// What the server refused: messages (`error`) and widget values (`refused`).
fn errors(messages: &[Value]) -> Vec<&Value> {
    messages
        .iter()
        .filter(|m| m["type"] == "error" || m["type"] == "refused")
        .collect()
}

fn last_status(messages: &[Value]) -> &Value {
    &messages
        .iter()
        .rev()
        .find(|m| m["type"] == "run_finished")
        .expect("a run_finished message")["status"]
}

/// (a) Another socket presenting the id of a session that is still
/// connected waits up to 2 s for it to park, then gets a fresh session; the
/// owner's session is not disturbed, and when the owner's socket does go
/// away during such a wait (a reload), the waiting socket resumes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_session_id_of_a_connected_session_gets_a_fresh_session() {
    let server = TestServer::start(&["counter"]).await;
    let mut owner = WsClient::connect(&server.ws_url(None)).await;
    let first = owner.rerun("counter", json!({})).await;
    let button = widget_id(&first, "Increment");
    let clicked = owner
        .rerun("counter", json!({ button.clone(): true }))
        .await;
    assert_eq!(markdown_texts(&clicked)[0], "count: 1");

    // Two sockets replay the id at once while the owner is connected.
    let started = Instant::now();
    let thieves: Vec<_> = (0..2)
        .map(|_| {
            let url = server.ws_url(None);
            let id = owner.session.clone();
            tokio::spawn(async move {
                let client = WsClient::resume(&url, &id).await;
                (client, started.elapsed())
            })
        })
        .collect();
    // Meanwhile the owner's session works as usual.
    let during = owner
        .rerun("counter", json!({ button.clone(): true }))
        .await;
    assert_eq!(last_status(&during), "ok");
    assert_eq!(markdown_texts(&during)[0], "count: 2");
    assert!(errors(&during).is_empty(), "{during:?}");

    let mut fresh = Vec::new();
    for thief in thieves {
        let (client, waited) = thief.await.expect("thief task");
        assert_eq!(client.hello["resumed"], false, "{}", client.hello);
        assert_ne!(client.session, owner.session);
        assert_eq!(client.session.len(), 32, "{}", client.session);
        assert!(
            waited >= Duration::from_millis(1_800),
            "the server gave up waiting for the owner after {waited:?}, not 2 s"
        );
        fresh.push(client);
    }
    assert_ne!(fresh[0].session, fresh[1].session);
    // A fresh session starts from nothing, and a click there (widget ids
    // are the same in every session) counts there only.
    let mut thief = fresh.pop().unwrap();
    let theirs = thief.rerun("counter", json!({})).await;
    assert_eq!(markdown_texts(&theirs)[0], "count: 0");
    let theirs = thief
        .rerun("counter", json!({ button.clone(): true }))
        .await;
    assert_eq!(markdown_texts(&theirs)[0], "count: 1");
    let mine = owner
        .rerun("counter", json!({ button.clone(): true }))
        .await;
    assert_eq!(markdown_texts(&mine)[0], "count: 3");
    assert!(errors(&mine).is_empty(), "{mine:?}");

    // A reload: the new socket arrives first, the old one closes during
    // the wait, and the new one gets the session with its state.
    let id = owner.session.clone();
    let url = server.ws_url(None);
    let heir = tokio::spawn({
        let id = id.clone();
        async move { WsClient::resume(&url, &id).await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(owner);
    let mut heir = heir.await.expect("heir task");
    assert_eq!(heir.hello["resumed"], true, "{}", heir.hello);
    assert_eq!(heir.session, id);
    let resumed = heir.rerun("counter", json!({})).await;
    assert_eq!(markdown_texts(&resumed)[0], "count: 3");
    // The thieves' sessions are their own.
    let theirs = thief.rerun("counter", json!({})).await;
    assert_eq!(markdown_texts(&theirs)[0], "count: 1");
    server.shutdown().await;
}

/// (b) A text message split into continuation frames (one byte each,
/// UTF-8 characters split across frames, a ping between fragments) is
/// reassembled and handled like one message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fragmented_messages_are_handled_like_whole_ones() {
    let server = TestServer::start(&["counter"]).await;
    let mut client = RawClient::connect(&server.ws_url(None)).await;
    client
        .send(Message::Text(
            json!({"type": "rerun", "page": "counter"})
                .to_string()
                .into(),
        ))
        .await;
    let first = client.until_finished().await;
    let slider = widget_id(&first, "n");
    let button = widget_id(&first, "Increment");

    // Every byte its own frame, with a ping in the middle.
    let text = json!({"type": "rerun", "page": "counter", "widgets": { slider.clone(): 7, button.clone(): true }})
        .to_string();
    client
        .send_fragmented(Data::Text, text.as_bytes(), 1, Some(5))
        .await;
    let run = client.until_finished().await;
    assert_eq!(last_status(&run), "ok");
    assert!(errors(&run).is_empty(), "{run:?}");
    assert_eq!(markdown_texts(&run), ["count: 1", "square: 49"]);

    // Multi-byte characters split inside themselves come out whole.
    let page = "é€😀ü-страница";
    let text = json!({"type": "rerun", "page": page}).to_string();
    client
        .send_fragmented(Data::Text, text.as_bytes(), 3, None)
        .await;
    let missing = client.until(|m| m["type"] == "page_not_found").await;
    assert_eq!(missing.last().unwrap()["page"], page);
    assert!(errors(&missing).is_empty(), "{missing:?}");

    // Uneven fragments of a heartbeat, a ping after the first.
    client
        .send_fragmented(Data::Text, br#"{"type": "heartbeat"}"#, 7, Some(0))
        .await;
    assert_eq!(client.recv().await["type"], "heartbeat");

    // A fragmented binary message is still refused as binary.
    client
        .send_fragmented(Data::Binary, br#"{"type":"heartbeat"}"#, 4, None)
        .await;
    let refused = client.recv().await;
    assert_eq!(refused["type"], "error", "{refused}");
    assert!(
        refused["message"].as_str().unwrap().contains("binary"),
        "{refused}"
    );

    // Past message_bytes but under 16x: refused with an error, not closed.
    let limit = server.state.settings.message_bytes;
    let big = format!(
        r#"{{"type":"rerun","page":"counter","query":"{}"}}"#,
        "q".repeat(limit * 3)
    );
    client
        .send_fragmented(Data::Text, big.as_bytes(), limit / 4, None)
        .await;
    let refused = client.recv().await;
    assert_eq!(refused["type"], "error", "{refused}");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("message_bytes"),
        "{refused}"
    );

    // The session goes on with its values.
    client
        .send(Message::Text(
            json!({"type": "rerun", "page": "counter"})
                .to_string()
                .into(),
        ))
        .await;
    let run = client.until_finished().await;
    assert_eq!(markdown_texts(&run), ["count: 1", "square: 49"]);
    server.shutdown().await;
}

/// Fragments out of order (a continuation with nothing to continue, or a
/// new message before the last one's final fragment) break the protocol:
/// that socket closes, its session can be resumed, other sessions go on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_fragment_sequences_close_only_that_socket() {
    let server = TestServer::start(&["counter"]).await;
    let mut bystander = WsClient::connect(&server.ws_url(None)).await;
    let first = bystander.rerun("counter", json!({})).await;
    let button = widget_id(&first, "Increment");

    let mut orphan = RawClient::connect(&server.ws_url(None)).await;
    let frame = Frame::message(
        br#"{"type":"heartbeat"}"#.to_vec(),
        OpCode::Data(Data::Continue),
        true,
    );
    orphan.send(Message::Frame(frame)).await;
    let how = orphan.closed().await;
    eprintln!("continuation without a start: {how}");

    let mut interrupted = RawClient::connect(&server.ws_url(None)).await;
    let start = Frame::message(br#"{"type":"#.to_vec(), OpCode::Data(Data::Text), false);
    let other = Frame::message(
        br#"{"type":"heartbeat"}"#.to_vec(),
        OpCode::Data(Data::Text),
        true,
    );
    interrupted.send(Message::Frame(start)).await;
    interrupted.send(Message::Frame(other)).await;
    let how = interrupted.closed().await;
    eprintln!("new message inside a fragmented one: {how}");

    let mut back = WsClient::resume(&server.ws_url(None), &interrupted.session).await;
    assert_eq!(back.hello["resumed"], true, "{}", back.hello);
    back.send(json!({"type": "heartbeat"})).await;
    assert_eq!(back.recv().await["type"], "heartbeat");

    let clicked = bystander.rerun("counter", json!({ button: true })).await;
    assert_eq!(markdown_texts(&clicked)[0], "count: 1");
    assert!(errors(&clicked).is_empty(), "{clicked:?}");
    server.shutdown().await;
}

/// (c) A message whose fragments add up to more than 16× message_bytes
/// closes the socket (as does one such frame); another session keeps
/// working, and the closed one can be resumed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_fragmented_message_closes_the_socket_only() {
    let server = TestServer::start(&["counter"]).await;
    let limit = server.state.settings.message_bytes;
    let mut bystander = WsClient::connect(&server.ws_url(None)).await;
    let first = bystander.rerun("counter", json!({})).await;
    let button = widget_id(&first, "Increment");

    let mut attacker = RawClient::connect(&server.ws_url(None)).await;
    // 20 fragments of message_bytes: past 16x after the 17th. The server
    // may close while we are still sending: send errors are expected then.
    let fragment = vec![b'x'; limit];
    let fragments = 20;
    let mut sent = 0;
    for i in 0..fragments {
        let opcode = OpCode::Data(if i == 0 { Data::Text } else { Data::Continue });
        let frame = Frame::message(fragment.clone(), opcode, i + 1 == fragments);
        if attacker.ws.send(Message::Frame(frame)).await.is_err() {
            break;
        }
        sent += 1;
    }
    assert!(
        sent > 16,
        "the server closed after {sent} fragments of {limit} bytes"
    );
    let how = attacker.closed().await;
    eprintln!("{sent} fragments of {limit} bytes: {how}");

    // One frame past 16x closes too.
    let mut heavy = RawClient::connect(&server.ws_url(None)).await;
    let frame = Frame::message(vec![b'x'; limit * 16 + 1], OpCode::Data(Data::Text), true);
    let _ = heavy.ws.send(Message::Frame(frame)).await;
    let how = heavy.closed().await;
    eprintln!("one frame of {} bytes: {how}", limit * 16 + 1);

    // The other session works, and a concurrent one connects fine.
    for expected in ["count: 1", "count: 2"] {
        let clicked = bystander
            .rerun("counter", json!({ button.clone(): true }))
            .await;
        assert_eq!(last_status(&clicked), "ok");
        assert_eq!(markdown_texts(&clicked)[0], expected);
        assert!(errors(&clicked).is_empty(), "{clicked:?}");
    }
    // "The tab reconnects and resumes."
    let mut back = WsClient::resume(&server.ws_url(None), &attacker.session).await;
    assert_eq!(back.hello["resumed"], true, "{}", back.hello);
    assert_eq!(back.session, attacker.session);
    let run = back.rerun("counter", json!({})).await;
    assert_eq!(markdown_texts(&run)[0], "count: 0");
    server.shutdown().await;
}

/// A tiny deterministic generator for the garbage.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// One piece of garbage for a session of the counter page whose button has
/// id `button`. The expensive pieces (a message past `limit`, deep
/// nesting) only come in the `first_round`.
fn garbage(rng: &mut XorShift, button: &str, limit: usize, first_round: bool) -> Vec<Message> {
    let text = |s: String| Message::Text(s.into());
    let mut pick = rng.below(14);
    if !first_round && (pick == 9 || pick == 10) {
        pick = 2;
    }
    match pick {
        0 => {
            let n = rng.below(200) as usize;
            vec![text(String::from_utf8_lossy(&rng.bytes(n)).into_owned())]
        }
        1 => vec![text(r#"{"type":"rerun","page":"coun"#.into())],
        2 => vec![text(r#"{"type":"explode"}"#.into())],
        3 => vec![text(
            json!({"type": "rerun", "page": "counter", "widgets": {"slider:0000000000000000": 5}})
                .to_string(),
        )],
        4 => vec![text(
            json!({"type": "rerun", "page": "counter", "widgets": { button: "yes" }}).to_string(),
        )],
        5 => vec![text(
            json!({"type": "rerun", "page": "counter", "widgets": { button: true }}).to_string(),
        )],
        6 => vec![text(json!({"type": "rerun", "page": "nope"}).to_string())],
        7 => {
            let n = rng.below(64) as usize;
            vec![Message::Binary(rng.bytes(n).into())]
        }
        8 => vec![text(r#"{"type":"stop","x":1}"#.into())],
        9 => vec![text("x".repeat(limit + 1))],
        10 => vec![text(format!(
            r#"{{"type":"rerun","page":"counter","widgets":{{"w":{}{}}}}}"#,
            "[".repeat(5_000),
            "]".repeat(5_000)
        ))],
        11 => vec![text(r#"{"type":"clear_cache"}"#.into())],
        12 => vec![Message::Ping(rng.bytes(8).into())],
        _ => {
            // A fragmented piece of garbage.
            let body = br#"{"type":"rerun","widgets":[1,2,3]}"#;
            vec![
                Message::Frame(Frame::message(
                    body[..10].to_vec(),
                    OpCode::Data(Data::Text),
                    false,
                )),
                Message::Frame(Frame::message(
                    body[10..20].to_vec(),
                    OpCode::Data(Data::Continue),
                    false,
                )),
                Message::Frame(Frame::message(
                    body[20..].to_vec(),
                    OpCode::Data(Data::Continue),
                    true,
                )),
            ]
        }
    }
}

/// One garbage session: rounds of garbage sent as fast as it can, each
/// ended by a heartbeat whose answer it waits for, until `stop` (at least 3
/// rounds). Past its message rate (`session_messages_per_second`) the
/// server drops messages with an error, perhaps the heartbeat: after such
/// an error and a silence, it sends another. Returns the rounds and errors
/// it got; panics if the session dies.
async fn send_garbage(
    mut ws: Socket,
    seed: u64,
    button: String,
    limit: usize,
    crowd: Arc<Crowd>,
) -> (u32, u32) {
    let heartbeat = || Message::Text(r#"{"type":"heartbeat"}"#.into());
    let mut rng = XorShift(seed | 1);
    let (mut rounds, mut errors) = (0u32, 0u32);
    while rounds < 3 || (!crowd.stop.load(Ordering::SeqCst) && rounds < 1_000) {
        for _ in 0..6 {
            for message in garbage(&mut rng, &button, limit, rounds == 0) {
                ws.feed(message).await.expect("garbage session still open");
            }
        }
        // Always at least one refused message per round.
        ws.feed(Message::Text("{not json".into()))
            .await
            .expect("send");
        ws.feed(heartbeat()).await.expect("send");
        ws.flush().await.expect("flush");
        let mut throttled = false;
        loop {
            let wait = if throttled {
                Duration::from_millis(200)
            } else {
                WAIT
            };
            let Ok(next) = tokio::time::timeout(wait, ws.next()).await else {
                assert!(throttled, "no answer to a heartbeat within {WAIT:?}");
                // The heartbeat was (probably) dropped: ask again.
                throttled = false;
                ws.send(heartbeat()).await.expect("send");
                continue;
            };
            let message = next
                .expect("garbage session still open")
                .expect("readable message");
            let Message::Text(text) = message else {
                continue;
            };
            let values = tests::frame_messages(text.as_str()).expect("server sends JSON");
            let mut answered = false;
            for value in values {
                match value["type"].as_str() {
                    Some("error") => {
                        errors += 1;
                        let message = value["message"].as_str().unwrap_or_default();
                        if message.contains("session_messages_per_second") {
                            throttled = true;
                            crowd.throttled.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                    Some("heartbeat") => answered = true,
                    _ => {}
                }
            }
            if answered {
                break;
            }
        }
        rounds += 1;
        if rounds == 1 {
            crowd.ready.fetch_add(1, Ordering::SeqCst);
        }
        if crowd.clicking.load(Ordering::SeqCst) && !crowd.stop.load(Ordering::SeqCst) {
            crowd.rounds_while_clicking.fetch_add(1, Ordering::SeqCst);
        }
    }
    (rounds, errors)
}

/// What the garbage sessions and the test share.
#[derive(Default)]
struct Crowd {
    /// Sessions that finished their first round.
    ready: AtomicUsize,
    /// The well-behaved session is clicking.
    clicking: AtomicBool,
    /// Rounds of garbage finished while it clicked.
    rounds_while_clicking: AtomicU32,
    /// Messages the server dropped for the sessions' message rate.
    throttled: AtomicU32,
    /// Stop after the current round (once 3 are done).
    stop: AtomicBool,
}

/// (d) 50 sessions send garbage at once while a well-behaved one clicks
/// the counter 20 times: it counts exactly 20 and sees no error; every
/// garbage session gets its errors and stays open.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_garbage_sessions_do_not_disturb_a_well_behaved_one() {
    let server = TestServer::start(&["counter"]).await;
    let limit = server.state.settings.message_bytes;
    let mut good = WsClient::connect(&server.ws_url(None)).await;
    let first = good.rerun("counter", json!({})).await;
    let button = widget_id(&first, "Increment");

    let signals = Arc::new(Crowd::default());
    let mut crowd = Vec::new();
    for i in 0..50u64 {
        let (ws, _) = tokio_tungstenite::connect_async(server.ws_url(None))
            .await
            .expect("garbage session connects");
        crowd.push(tokio::spawn(send_garbage(
            ws,
            0x9e37_79b9_7f4a_7c15 ^ (i + 1).wrapping_mul(0x2545_f491_4f6c_dd1d),
            button.clone(),
            limit,
            signals.clone(),
        )));
    }
    // Every garbage session is going before the first click.
    let deadline = Instant::now() + WAIT;
    while signals.ready.load(Ordering::SeqCst) < crowd.len() {
        assert!(
            Instant::now() < deadline,
            "garbage sessions did not get going"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }

    signals.clicking.store(true, Ordering::SeqCst);
    let started = Instant::now();
    let mut last = Vec::new();
    for click in 1..=20 {
        last = good.rerun("counter", json!({ button.clone(): true })).await;
        assert_eq!(last_status(&last), "ok", "click {click}: {last:?}");
        assert!(errors(&last).is_empty(), "click {click}: {last:?}");
        assert_eq!(markdown_texts(&last)[0], format!("count: {click}"));
    }
    let clicking = started.elapsed();
    signals.stop.store(true, Ordering::SeqCst);
    assert_eq!(markdown_texts(&last)[0], "count: 20");

    let mut total_rounds = 0;
    for (i, task) in crowd.into_iter().enumerate() {
        let (rounds, errors) = task.await.expect("garbage session task");
        assert!(
            errors >= rounds,
            "garbage session {i}: {errors} errors in {rounds} rounds"
        );
        total_rounds += rounds;
    }
    let while_clicking = signals.rounds_while_clicking.load(Ordering::SeqCst);
    let throttled = signals.throttled.load(Ordering::SeqCst);
    eprintln!(
        "20 clicks took {clicking:?}; {while_clicking} rounds of garbage finished meanwhile, \
         {total_rounds} in all; {throttled} garbage messages dropped for the message rate"
    );
    assert!(while_clicking > 0, "the garbage did not overlap the clicks");
    let again = good.rerun("counter", json!({})).await;
    assert_eq!(markdown_texts(&again)[0], "count: 20");
    server.shutdown().await;
}

// ---------------------------------------------------------------------------
// Outbound URLs (written by a hostile page, not a browser)
// ---------------------------------------------------------------------------

/// An app allowed `http://allowed.test` only.
fn outbound() -> &'static host::runtime::services::outbound::Outbound {
    static OUTBOUND: std::sync::OnceLock<host::runtime::services::outbound::Outbound> =
        std::sync::OnceLock::new();
    OUTBOUND.get_or_init(|| {
        let allow = host::runtime::services::outbound::AllowList::parse(&["http://allowed.test"])
            .expect("allow list");
        host::runtime::services::outbound::Outbound::new(allow).expect("client")
    })
}

/// URLs spliced from the pieces that host-hiding tricks are made of.
fn tricky_url() -> impl Strategy<Value = String> {
    let piece = select(vec![
        "http://",
        "https://",
        "http:",
        "//",
        "allowed.test",
        "evil.test",
        "ALLOWED.TEST",
        "allowed.test.",
        "@",
        "\\",
        "/",
        ":",
        "80",
        "8080",
        "%2e",
        "%40",
        ".",
        "#",
        "?",
        "[::1]",
        "127.0.0.1",
        " ",
        "\t",
        "\n",
        "user",
        "xn--",
        "*",
        "%00",
        "\u{3002}",
    ]);
    vec(piece, 1..14).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(config())]

    /// Whatever a page writes as the URL and `Host` header, a request the
    /// host agrees to send goes to the listed scheme, host and port, with no
    /// user info; everything else is refused before anything is sent.
    #[test]
    fn outbound_urls_reach_only_the_listed_host(url in tricky_url(), host_header in any::<bool>()) {
        let headers = if host_header {
            vec![("Host".to_owned(), "evil.test".to_owned())]
        } else {
            Vec::new()
        };
        let request = host::runtime::services::outbound::PageRequest {
            method: "GET".into(),
            url: url.clone(),
            headers,
            body: Vec::new(),
        };
        match outbound().prepare(request, &host::runtime::limits::Limits::default()) {
            Ok(sent) => {
                let target = sent.url();
                prop_assert!(!host_header, "a Host header was accepted: {url:?}");
                prop_assert_eq!(target.scheme(), "http", "{:?}", url);
                prop_assert_eq!(target.host_str().map(|h| h.trim_end_matches('.')), Some("allowed.test"), "{:?}", url);
                prop_assert_eq!(target.port_or_known_default(), Some(80), "{:?}", url);
                prop_assert!(target.username().is_empty() && target.password().is_none(), "{:?}", url);
                prop_assert!(sent.headers().get("host").is_none());
            }
            Err(refusal) => prop_assert!(!refusal.to_string().is_empty()),
        }
    }
}
