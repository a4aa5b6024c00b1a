//! The hostile-client suite: fuzzing (being written).
