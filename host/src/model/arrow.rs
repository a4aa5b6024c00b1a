//! Tables in the Arrow IPC format, as a browser that asked for them
//! receives them: each column's values (with their nulls) as one Arrow IPC
//! stream in a binary WebSocket frame, sent before the JSON message that
//! names the column and refers to the stream by its place.
//!
//! A frame is encoded inside [`with_columns_apart`]: while it runs, every
//! [`Column`] serialized writes its values to an Arrow stream and itself as
//! `{"name", "type", "arrow": k, …}` (the stream's place among the frame's
//! streams) instead of `"values"` and `"nulls"`. Outside it, a column is
//! plain JSON, as every other reader of the protocol receives it.

use std::cell::RefCell;
use std::sync::Arc;

use arrow_array::builder::{Float64Builder, ListBuilder, StringBuilder};
use arrow_array::types::{
    Date32Type, Float64Type, Int64Type, Time64MicrosecondType, TimestampMicrosecondType,
};
use arrow_array::{ArrayRef, BooleanArray, PrimitiveArray, RecordBatch, StringArray};
use arrow_buffer::{BooleanBuffer, NullBuffer, ScalarBuffer};
use arrow_ipc::writer::StreamWriter;
use arrow_schema::{ArrowError, Field, Schema};

use crate::model::table::{Column, ColumnValues};

/// What a string of the page's becomes on the way out: `Some` with its
/// replacement (a secret redacted), `None` when it goes as it is.
pub type RedactFn = dyn Fn(&str) -> Option<String> + Send + Sync;

/// A shared [`RedactFn`].
pub type Redact = Arc<RedactFn>;

/// The streams of the frame being encoded on this thread.
struct Apart {
    streams: Vec<Vec<u8>>,
    redact: Option<Redact>,
}

thread_local! {
    static APART: RefCell<Option<Apart>> = const { RefCell::new(None) };
}

/// Runs `encode` (the serialization of one frame) with the values of every
/// column it serializes sent apart as Arrow IPC streams, each string passed
/// through `redact` first; returns what `encode` returned and the streams,
/// in the order the frame refers to them.
pub fn with_columns_apart<T>(
    redact: Option<Redact>,
    encode: impl FnOnce() -> T,
) -> (T, Vec<Vec<u8>>) {
    /// Puts back what the thread had before, even when `encode` panics,
    /// so no later frame of this thread is encoded into these streams.
    struct Restore(Option<Option<Apart>>);
    impl Restore {
        fn take(&mut self) -> Vec<Vec<u8>> {
            let outer = self.0.take().unwrap_or(None);
            APART
                .with(|a| std::mem::replace(&mut *a.borrow_mut(), outer))
                .map(|ours| ours.streams)
                .unwrap_or_default()
        }
    }
    impl Drop for Restore {
        fn drop(&mut self) {
            if self.0.is_some() {
                self.take();
            }
        }
    }
    let outer = APART.with(|a| {
        a.borrow_mut().replace(Apart {
            streams: Vec::new(),
            redact,
        })
    });
    let mut restore = Restore(Some(outer));
    let value = encode();
    let streams = restore.take();
    (value, streams)
}

/// Inside [`with_columns_apart`]: `column`'s values written as an Arrow
/// stream, and its place among the frame's streams. `None` outside it (or
/// should Arrow refuse the column): the values then go inline as JSON.
pub(crate) fn send_apart(column: &Column) -> Option<usize> {
    APART.with(|a| {
        let mut a = a.borrow_mut();
        let apart = a.as_mut()?;
        match encode(column, apart.redact.as_deref()) {
            Ok(stream) => {
                apart.streams.push(stream);
                Some(apart.streams.len() - 1)
            }
            Err(e) => {
                tracing::warn!(error = %e, "a column could not be encoded as Arrow; sent as JSON");
                None
            }
        }
    })
}

/// Which rows hold a value (false at each of `nulls`), or none when every
/// row does.
fn validity(rows: usize, nulls: &[u32]) -> Option<NullBuffer> {
    if nulls.is_empty() {
        return None;
    }
    let mut valid = vec![true; rows];
    for &r in nulls {
        if let Some(v) = valid.get_mut(r as usize) {
            *v = false;
        }
    }
    Some(NullBuffer::from(valid))
}

/// `column` as one Arrow IPC stream: a schema with one field, `values`,
/// and one record batch. Types: text and JSON `Utf8`, integers `Int64`,
/// floats `Float64`, booleans `Boolean`, dates `Date32`, datetimes
/// `Timestamp(µs, UTC)`, times `Time64(µs)`, lists `List` of `Float64` or
/// `Utf8`.
pub fn encode(column: &Column, redact: Option<&RedactFn>) -> Result<Vec<u8>, ArrowError> {
    let rows = column.values.len();
    let nulls = validity(rows, &column.nulls);
    let text = |s: &str| redact.and_then(|r| r(s));
    let strings = |values: &[String]| {
        let bytes = values.iter().map(String::len).sum();
        let mut b = StringBuilder::with_capacity(values.len(), bytes);
        for s in values {
            match text(s) {
                Some(clean) => b.append_value(clean),
                None => b.append_value(s),
            }
        }
        let (offsets, data, _) = b.finish().into_parts();
        StringArray::try_new(offsets, data, nulls.clone())
    };
    let array: ArrayRef = match &column.values {
        ColumnValues::Text(v) | ColumnValues::Json(v) => Arc::new(strings(v)?),
        ColumnValues::Integer(v) => Arc::new(PrimitiveArray::<Int64Type>::try_new(
            ScalarBuffer::from(v.clone()),
            nulls,
        )?),
        ColumnValues::Float(v) => Arc::new(PrimitiveArray::<Float64Type>::try_new(
            ScalarBuffer::from(v.clone()),
            nulls,
        )?),
        ColumnValues::Boolean(v) => {
            Arc::new(BooleanArray::new(BooleanBuffer::from(v.as_slice()), nulls))
        }
        ColumnValues::Date(v) => Arc::new(PrimitiveArray::<Date32Type>::try_new(
            ScalarBuffer::from(v.clone()),
            nulls,
        )?),
        ColumnValues::Datetime(v) => Arc::new(
            PrimitiveArray::<TimestampMicrosecondType>::try_new(
                ScalarBuffer::from(v.clone()),
                nulls,
            )?
            .with_timezone("UTC"),
        ),
        ColumnValues::Time(v) => Arc::new(PrimitiveArray::<Time64MicrosecondType>::try_new(
            ScalarBuffer::from(v.clone()),
            nulls,
        )?),
        ColumnValues::NumberList(v) => {
            let items = v.iter().map(Vec::len).sum();
            let mut b = ListBuilder::new(Float64Builder::with_capacity(items));
            for list in v {
                b.values().append_slice(list);
                b.append(true);
            }
            let (field, offsets, values, _) = b.finish().into_parts();
            Arc::new(arrow_array::ListArray::try_new(
                field, offsets, values, nulls,
            )?)
        }
        ColumnValues::TextList(v) => {
            let mut b = ListBuilder::new(StringBuilder::new());
            for list in v {
                for s in list {
                    match text(s) {
                        Some(clean) => b.values().append_value(clean),
                        None => b.values().append_value(s),
                    }
                }
                b.append(true);
            }
            let (field, offsets, values, _) = b.finish().into_parts();
            Arc::new(arrow_array::ListArray::try_new(
                field, offsets, values, nulls,
            )?)
        }
    };
    let schema = Arc::new(Schema::new(vec![Field::new(
        "values",
        array.data_type().clone(),
        array.null_count() > 0,
    )]));
    let batch = RecordBatch::try_new(schema.clone(), vec![array])?;
    let mut writer = StreamWriter::try_new(Vec::with_capacity(column.bytes() + 512), &schema)?;
    writer.write(&batch)?;
    writer.finish()?;
    writer.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::cast::AsArray;
    use arrow_array::Array;
    use arrow_ipc::reader::StreamReader;

    fn decode(stream: &[u8]) -> ArrayRef {
        let mut reader = StreamReader::try_new(stream, None).expect("a stream");
        let batch = reader.next().expect("one batch").expect("readable");
        assert!(reader.next().is_none(), "one batch only");
        batch.column(0).clone()
    }

    #[test]
    fn every_type_round_trips_with_its_nulls() {
        let cases = [
            ColumnValues::Text(vec!["a".into(), "".into(), "ü".into()]),
            ColumnValues::Integer(vec![1, i64::MIN, i64::MAX]),
            ColumnValues::Float(vec![1.5, f64::NAN, -0.0]),
            ColumnValues::Boolean(vec![true, false, true]),
            ColumnValues::Date(vec![0, -1, 20_000]),
            ColumnValues::Datetime(vec![0, 1, -1]),
            ColumnValues::Time(vec![0, 1, 86_399_999_999]),
            ColumnValues::NumberList(vec![vec![1.0], vec![], vec![2.0, 3.0]]),
            ColumnValues::TextList(vec![vec!["x".into()], vec![], vec!["y".into(), "z".into()]]),
            ColumnValues::Json(vec!["{}".into(), "null".into(), "[1]".into()]),
        ];
        for values in cases {
            let kind = values.kind();
            let column = Column {
                nulls: vec![1],
                ..Column::new("c", values)
            };
            let array = decode(&encode(&column, None).expect("encodes"));
            assert_eq!(array.len(), 3, "{kind:?}");
            assert!(
                array.is_valid(0) && array.is_null(1) && array.is_valid(2),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn values_keep_their_types_and_strings_are_redacted() {
        let column = Column::new(
            "c",
            ColumnValues::Text(vec!["key=hunter2".into(), "plain".into()]),
        );
        let redact: Redact =
            Arc::new(|s: &str| s.contains("hunter2").then(|| s.replace("hunter2", "***")));
        let array = decode(&encode(&column, Some(&*redact)).expect("encodes"));
        let strings = array.as_string::<i32>();
        assert_eq!(strings.value(0), "key=***");
        assert_eq!(strings.value(1), "plain");

        let column = Column::new("n", ColumnValues::Integer(vec![i64::MAX, -7]));
        let array = decode(&encode(&column, None).expect("encodes"));
        let ints = array.as_primitive::<Int64Type>();
        assert_eq!(ints.values().as_ref(), &[i64::MAX, -7]);
    }

    #[test]
    fn columns_go_apart_only_inside_a_frame() {
        let column = Column::new("n", ColumnValues::Float(vec![1.0, 2.0]));
        let plain = serde_json::to_value(&column).expect("json");
        assert_eq!(plain["values"], serde_json::json!([1.0, 2.0]));
        assert!(plain.get("arrow").is_none());

        let (text, streams) = with_columns_apart(None, || {
            serde_json::to_value([&column, &column]).expect("json")
        });
        assert_eq!(streams.len(), 2);
        assert_eq!(text[0]["arrow"], 0);
        assert_eq!(text[1]["arrow"], 1);
        assert_eq!(text[0]["type"], "float");
        assert!(text[0].get("values").is_none() && text[0].get("nulls").is_none());
        let array = decode(&streams[1]);
        assert_eq!(
            array.as_primitive::<Float64Type>().values().as_ref(),
            &[1.0, 2.0]
        );

        // And after it, inline again.
        let after = serde_json::to_value(&column).expect("json");
        assert!(after.get("arrow").is_none());

        // Also after an encoding that panicked.
        let panicked = std::panic::catch_unwind(|| {
            with_columns_apart(None, || {
                let _ = serde_json::to_value(&column);
                panic!("an encoding that fails");
            })
        });
        assert!(panicked.is_err());
        let after = serde_json::to_value(&column).expect("json");
        assert!(after.get("arrow").is_none(), "{after}");
    }
}
