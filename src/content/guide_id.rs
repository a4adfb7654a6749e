//! Naming a guide: `GuideId`, a guide's place among the site's guides (in the order `load`
//! read them, drafts left out), and `PerGuide<T>`, one `T` per guide, indexed by `GuideId`
//! only. Whatever the build knows of one guide (its URL, its outline, its links) is found by
//! its id; a bare `usize` never stands for a guide, so a page, a section or a heading number
//! cannot be taken for one.

use std::ops::{Index, IndexMut};

use rayon::prelude::*;

/// A guide, by its place among the site's guides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GuideId(u32);

impl GuideId {
    /// The id of the `n`-th guide (from 0).
    pub fn new(n: usize) -> GuideId {
        GuideId(u32::try_from(n).expect("fewer than 2³² guides"))
    }

    /// The guide's place, from 0.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One `T` per guide, in the order of the guides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PerGuide<T>(Vec<T>);

impl<T> Default for PerGuide<T> {
    fn default() -> Self {
        PerGuide(Vec::new())
    }
}

impl<T> PerGuide<T> {
    pub fn with_capacity(capacity: usize) -> Self {
        PerGuide(Vec::with_capacity(capacity))
    }

    /// Adds the next guide's `T` and returns that guide's id.
    pub fn push(&mut self, value: T) -> GuideId {
        let id = GuideId::new(self.0.len());
        self.0.push(value);
        id
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, id: GuideId) -> Option<&T> {
        self.0.get(id.index())
    }

    /// Every guide's id, in order.
    pub fn ids(&self) -> impl DoubleEndedIterator<Item = GuideId> + ExactSizeIterator {
        (0..self.0.len()).map(GuideId::new)
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }

    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
        self.0.iter_mut()
    }

    /// Every guide's id with its `T`, in order.
    pub fn iter_enumerated(&self) -> impl DoubleEndedIterator<Item = (GuideId, &T)> + ExactSizeIterator + '_ {
        self.0.iter().enumerate().map(|(n, value)| (GuideId::new(n), value))
    }

    /// Every guide's id with its `T`, in parallel.
    pub fn par_iter_enumerated(&self) -> impl IndexedParallelIterator<Item = (GuideId, &T)> + '_
    where
        T: Sync,
    {
        self.0.par_iter().enumerate().map(|(n, value)| (GuideId::new(n), value))
    }

    /// Every guide's id with its `T` to change, in parallel.
    pub fn par_iter_mut_enumerated(&mut self) -> impl IndexedParallelIterator<Item = (GuideId, &mut T)> + '_
    where
        T: Send,
    {
        self.0.par_iter_mut().enumerate().map(|(n, value)| (GuideId::new(n), value))
    }

    /// The values in order, for a function over all the guides that needs no ids.
    pub fn as_slice(&self) -> &[T] {
        &self.0
    }

    /// One `U` per guide, made from its `T`.
    pub fn map<U>(&self, f: impl FnMut(&T) -> U) -> PerGuide<U> {
        PerGuide(self.0.iter().map(f).collect())
    }
}

impl<T> Index<GuideId> for PerGuide<T> {
    type Output = T;

    fn index(&self, id: GuideId) -> &T {
        &self.0[id.index()]
    }
}

impl<T> IndexMut<GuideId> for PerGuide<T> {
    fn index_mut(&mut self, id: GuideId) -> &mut T {
        &mut self.0[id.index()]
    }
}

/// The `T`s of the guides, in order (the first is guide 0's).
impl<T> From<Vec<T>> for PerGuide<T> {
    fn from(values: Vec<T>) -> Self {
        PerGuide(values)
    }
}

impl<T> FromIterator<T> for PerGuide<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        PerGuide(iter.into_iter().collect())
    }
}

impl<T> IntoIterator for PerGuide<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a PerGuide<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_order_of_the_guides() {
        let mut titles = PerGuide::default();
        let a = titles.push("A");
        let b = titles.push("B");
        assert_eq!((a.index(), b.index()), (0, 1));
        assert!(a < b);
        assert_eq!(titles[b], "B");
        assert_eq!(titles.ids().collect::<Vec<_>>(), [a, b]);
        assert_eq!(
            titles.iter_enumerated().map(|(id, t)| (id, *t)).collect::<Vec<_>>(),
            [(a, "A"), (b, "B")]
        );
        assert_eq!(titles.map(|t| t.len()).get(b), Some(&1));
        assert_eq!(titles.get(GuideId::new(2)), None);
    }
}
