//! The hostile-page suite (being written).
