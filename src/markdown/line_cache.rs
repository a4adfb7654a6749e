//! Highlighted lines, remembered by what decides them: the syntax, the line's text and the
//! highlighter's state before the line (syntect's parse state and the open scopes).
//!
//! Highlighting one line is a pure function of those three, so a line met again in the same
//! state (the same shell command, the same `[build]` header in a hundred guides) is copied from
//! here instead of being run through syntect's regular expressions again. Shared by the threads,
//! sharded to keep lock contention low, and bounded: past `MAX_BYTES` it stops growing.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::{Mutex, MutexGuard};

use syntect::parsing::{ParseState, ScopeStack};

/// The state a line is highlighted from, and the state it leaves.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct State {
    pub(crate) parse: ParseState,
    pub(crate) scopes: ScopeStack,
}

/// One remembered line: its HTML and the state after it.
pub(crate) struct Highlighted {
    pub(crate) html: String,
    pub(crate) after: State,
}

struct Entry {
    syntax: usize,
    line: Box<str>,
    before: State,
    result: Highlighted,
}

// SAFETY: the only part of an entry that is not `Send` is the capture `Region` a parse state may
// hold (a heredoc's delimiter, say): an Oniguruma region that owns two `malloc`ed arrays and
// frees them on drop, with no tie to the thread that made it. Entries are only touched under
// their shard's lock, and leave it as clones.
unsafe impl Send for Entry {}

#[derive(Default)]
struct Shard {
    /// By hash of (syntax, line); the few entries sharing one are told apart by comparison.
    map: HashMap<u64, Vec<Entry>>,
    bytes: usize,
}

const SHARDS: usize = 64;
const MAX_BYTES: usize = 48 << 20;
/// States remembered per line: a line like `}` or an empty one is met in many states, and
/// beyond a few of them the comparisons cost more than they save.
const MAX_STATES_PER_LINE: usize = 8;

pub(crate) struct LineCache {
    shards: Vec<Mutex<Shard>>,
    hasher: std::collections::hash_map::RandomState,
    max_bytes: usize,
}

impl LineCache {
    pub(crate) fn new() -> Self {
        LineCache::with_capacity(MAX_BYTES)
    }

    /// A cache holding at most about `max_bytes` (0: one that remembers nothing).
    pub(crate) fn with_capacity(max_bytes: usize) -> Self {
        LineCache {
            shards: (0..SHARDS).map(|_| Mutex::new(Shard::default())).collect(),
            hasher: Default::default(),
            max_bytes,
        }
    }

    /// The line highlighted from `before` in `syntax` (any number naming the syntax for the
    /// cache's lifetime), computed by `highlight` the first time.
    pub(crate) fn get_or_insert(
        &self,
        syntax: usize,
        line: &str,
        before: &State,
        highlight: impl FnOnce() -> Option<Highlighted>,
    ) -> Option<Highlighted> {
        let hash = self.hasher.hash_one((syntax, line));
        let shard = &self.shards[(hash as usize) % SHARDS];
        if let Some(entries) = lock(shard).map.get(&hash) {
            let found =
                entries.iter().find(|e| e.syntax == syntax && &*e.line == line && e.before == *before);
            if let Some(entry) = found {
                return Some(Highlighted {
                    html: entry.result.html.clone(),
                    after: entry.result.after.clone(),
                });
            }
        }
        let result = highlight()?;
        let size = line.len() + result.html.len() + state_bytes(before) + state_bytes(&result.after);
        let mut guard = lock(shard);
        if guard.bytes + size <= self.max_bytes / SHARDS {
            let entries = guard.map.entry(hash).or_default();
            if entries.len() < MAX_STATES_PER_LINE {
                entries.push(Entry {
                    syntax,
                    line: line.into(),
                    before: before.clone(),
                    result: Highlighted { html: result.html.clone(), after: result.after.clone() },
                });
                guard.bytes += size;
            }
        }
        Some(result)
    }
}

/// A rough size of a state in memory (syntect does not expose its parse stack's depth).
fn state_bytes(state: &State) -> usize {
    128 + state.scopes.len() * 16
}

fn lock(shard: &Mutex<Shard>) -> MutexGuard<'_, Shard> {
    shard.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
