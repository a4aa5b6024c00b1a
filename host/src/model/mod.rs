//! What crosses a boundary, as types: the deltas a run sends, the messages
//! between browser and server, widget specs and values, fragments and the
//! Markdown renderer. Imports nothing else of the crate.

pub mod arrow;
pub mod context;
pub mod delta;
pub mod fragment;
pub mod function;
pub mod markdown;
pub mod protocol;
pub mod rows;
pub mod table;
pub mod widget;
