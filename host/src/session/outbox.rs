//! What a session sends its browser next: messages in order, where a delta
//! replaces an unsent older one at the same place. A page that redraws one
//! placeholder (a chart, a progress bar, a streamed answer) faster than the
//! browser reads sends the newest drawing only, never a backlog of drawings
//! nobody will see.

use crate::model::delta::Element;
use crate::model::protocol::ServerMessage;
use std::collections::HashMap;

/// Messages waiting to be sent, in order.
#[derive(Default)]
pub struct Outbox {
    messages: Vec<ServerMessage>,
    /// For each run and path, where its unsent delta is in `messages`.
    latest: HashMap<(u64, Vec<u32>), usize>,
}

impl Outbox {
    /// Queues `message`. A delta of an element with no containers of its
    /// own takes the place of an unsent delta of the same run at the same
    /// path that has none either: nothing else refers to either, so the
    /// browser ends up showing the same page, sooner.
    pub fn push(&mut self, message: ServerMessage) {
        if let ServerMessage::Delta {
            run, path, element, ..
        } = &message
        {
            // A block starts a new drawing of its place and of everything
            // in it: nothing queued before it there may be replaced by what
            // comes after it.
            if matches!(element, Element::Block(_)) {
                self.latest
                    .retain(|(r, p), _| *r != *run || !p.starts_with(path));
            }
            if !path.is_empty() && !matches!(element, Element::Block(_)) {
                let key = (*run, path.clone());
                if let Some(&at) = self.latest.get(&key) {
                    if let Some(ServerMessage::Delta { element: old, .. }) =
                        self.messages.get_mut(at)
                    {
                        match (old, element) {
                            // Appended text joins the unsent text before it.
                            (
                                Element::TextAppend { text: queued },
                                Element::TextAppend { text: more },
                            ) => {
                                queued.push_str(more);
                                return;
                            }
                            // Added rows join the unsent table, dataframe
                            // or chart (or rows) before them; rows that do
                            // not fit it are sent after it.
                            (queued, Element::AddRows { columns }) => {
                                if crate::model::rows::append(queued, columns) {
                                    return;
                                }
                            }
                            // Anything else drawn there replaces what was
                            // queued; appended text and rows need what is
                            // before them.
                            (Element::Block(_), _) | (_, Element::TextAppend { .. }) => {}
                            _ => {
                                self.messages[at] = message;
                                return;
                            }
                        }
                    }
                }
                self.latest.insert(key, self.messages.len());
            }
        }
        self.messages.push(message);
    }

    /// Whether nothing waits.
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// Everything queued, in order; the outbox is empty afterwards (and
    /// keeps no room for them: an idle session holds no run's worth of
    /// messages).
    pub fn take(&mut self) -> Vec<ServerMessage> {
        self.latest = HashMap::new();
        std::mem::take(&mut self.messages)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::delta::BlockSpec;

    fn delta(run: u64, path: &[u32], body: &str) -> ServerMessage {
        ServerMessage::Delta {
            run,
            path: path.to_vec(),
            element: Element::Text { body: body.into() },
        }
    }

    fn bodies(messages: &[ServerMessage]) -> Vec<String> {
        messages
            .iter()
            .map(|m| match m {
                ServerMessage::Delta {
                    element: Element::Text { body },
                    ..
                } => body.clone(),
                ServerMessage::Delta { .. } => "block".into(),
                _ => "other".into(),
            })
            .collect()
    }

    #[test]
    fn a_newer_drawing_at_a_place_replaces_the_unsent_one() {
        let mut outbox = Outbox::default();
        outbox.push(delta(1, &[0, 0], "title"));
        for i in 0..100 {
            outbox.push(delta(1, &[0, 1, 0, 0], &format!("frame {i}")));
        }
        outbox.push(delta(1, &[0, 2], "after"));
        assert_eq!(bodies(&outbox.take()), ["title", "frame 99", "after"]);
        // Once sent, the next drawing is sent too.
        outbox.push(delta(1, &[0, 1, 0, 0], "frame 100"));
        assert_eq!(bodies(&outbox.take()), ["frame 100"]);
        assert!(outbox.is_empty());
    }

    #[test]
    fn a_drawing_after_a_block_never_replaces_one_before_it() {
        let block = ServerMessage::Delta {
            run: 1,
            path: vec![0, 0],
            element: Element::Block(BlockSpec::Empty),
        };
        let mut outbox = Outbox::default();
        outbox.push(delta(1, &[0, 0], "loading"));
        outbox.push(block);
        outbox.push(delta(1, &[0, 0, 0, 0], "child"));
        outbox.push(delta(1, &[0, 0], "done"));
        assert_eq!(
            bodies(&outbox.take()),
            ["loading", "block", "child", "done"]
        );
    }

    #[test]
    fn appended_text_joins_the_unsent_text_before_it() {
        let append = |text: &str| ServerMessage::Delta {
            run: 1,
            path: vec![0, 3, 0, 0],
            element: Element::TextAppend { text: text.into() },
        };
        let mut outbox = Outbox::default();
        outbox.push(delta(1, &[0, 3, 0, 0], "settled"));
        outbox.push(append("ab"));
        outbox.push(append("cd"));
        let sent = outbox.take();
        assert_eq!(sent.len(), 2, "the text, then one append");
        assert!(matches!(
            &sent[1],
            ServerMessage::Delta { element: Element::TextAppend { text }, .. } if text == "abcd"
        ));
        // A drawing after appended text replaces it.
        outbox.push(append("ef"));
        outbox.push(delta(1, &[0, 3, 0, 0], "final"));
        assert_eq!(bodies(&outbox.take()), ["final"]);
    }

    #[test]
    fn added_rows_join_the_unsent_table_and_wait_for_a_sent_one() {
        use crate::model::delta::{Column, ColumnValues};
        let rows = |values: Vec<i64>| vec![Column::new("n", ColumnValues::Integer(values))];
        let at = |element| ServerMessage::Delta {
            run: 1,
            path: vec![0, 2],
            element,
        };
        let mut outbox = Outbox::default();
        outbox.push(at(Element::Table {
            columns: rows(vec![1]),
        }));
        outbox.push(at(Element::AddRows {
            columns: rows(vec![2]),
        }));
        outbox.push(at(Element::AddRows {
            columns: rows(vec![3]),
        }));
        let sent = outbox.take();
        assert_eq!(sent.len(), 1, "one table with every row");
        assert!(matches!(
            &sent[0],
            ServerMessage::Delta { element: Element::Table { columns }, .. }
                if columns[0].values == ColumnValues::Integer(vec![1, 2, 3])
        ));
        // Once the table is sent, rows queue, joining each other.
        outbox.push(at(Element::AddRows {
            columns: rows(vec![4]),
        }));
        outbox.push(at(Element::AddRows {
            columns: rows(vec![5]),
        }));
        let sent = outbox.take();
        assert!(matches!(
            &sent[..],
            [ServerMessage::Delta { element: Element::AddRows { columns }, .. }]
                if columns[0].values == ColumnValues::Integer(vec![4, 5])
        ));
        // Rows that do not fit what is queued are kept after it.
        outbox.push(delta(1, &[0, 2], "text"));
        outbox.push(at(Element::AddRows {
            columns: rows(vec![6]),
        }));
        assert_eq!(outbox.take().len(), 2);
    }

    #[test]
    fn blocks_other_runs_and_page_level_messages_are_kept() {
        let mut outbox = Outbox::default();
        let block = |run| ServerMessage::Delta {
            run,
            path: vec![0, 0],
            element: Element::Block(BlockSpec::Empty),
        };
        outbox.push(block(1));
        outbox.push(delta(1, &[0, 0], "replaces a block"));
        outbox.push(delta(1, &[], "toast"));
        outbox.push(delta(1, &[], "toast"));
        outbox.push(delta(2, &[0, 0], "next run"));
        outbox.push(ServerMessage::Heartbeat);
        assert_eq!(
            bodies(&outbox.take()),
            [
                "block",
                "replaces a block",
                "toast",
                "toast",
                "next run",
                "other"
            ]
        );
    }
}
