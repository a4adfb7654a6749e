//! The link pass: lets the caller rewrite link targets and link inline code.
//!
//! `LinkHook` is implemented by the site builder (issue 4: `[x](AUTRE.md#sec)` → page URL,
//! `` `GUIDE_X.md` `` → a link to that guide). `apply` calls it for every link and image
//! destination, and for every inline code span outside a link.

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

/// What the link pass asks the caller. Both methods default to "leave it as it is".
pub trait LinkHook {
    /// A new destination for a link (`is_image` false) or an image, or `None` to keep it.
    fn rewrite_link(&mut self, _dest: &str, _is_image: bool) -> Option<String> {
        None
    }

    /// A destination to make an inline code span (`GUIDE_X.md`) a link, or `None`.
    fn link_inline_code(&mut self, _code: &str) -> Option<String> {
        None
    }
}

/// The hook that changes nothing (what `Renderer::render` uses).
pub struct NoLinks;

impl LinkHook for NoLinks {}

pub(crate) fn apply<'a>(events: Vec<Event<'a>>, hook: &mut impl LinkHook) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut in_link = 0usize;
    for event in events {
        match event {
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                in_link += 1;
                let dest_url = rewrite(hook, dest_url, false);
                out.push(Event::Start(Tag::Link { link_type, dest_url, title, id }));
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                in_link += 1;
                let dest_url = rewrite(hook, dest_url, true);
                out.push(Event::Start(Tag::Image { link_type, dest_url, title, id }));
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                in_link = in_link.saturating_sub(1);
                out.push(event);
            }
            Event::Code(code) if in_link == 0 => match hook.link_inline_code(&code) {
                Some(dest) => {
                    let link = Tag::Link {
                        link_type: LinkType::Inline,
                        dest_url: dest.into(),
                        title: CowStr::Borrowed(""),
                        id: CowStr::Borrowed(""),
                    };
                    out.push(Event::Start(link));
                    out.push(Event::Code(code));
                    out.push(Event::End(TagEnd::Link));
                }
                None => out.push(Event::Code(code)),
            },
            other => out.push(other),
        }
    }
    out
}

fn rewrite<'a>(hook: &mut impl LinkHook, dest: CowStr<'a>, is_image: bool) -> CowStr<'a> {
    match hook.rewrite_link(&dest, is_image) {
        Some(new) => new.into(),
        None => dest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::Renderer;

    struct Guides;

    impl LinkHook for Guides {
        fn rewrite_link(&mut self, dest: &str, _is_image: bool) -> Option<String> {
            dest.strip_prefix("AUTRE.md").map(|rest| format!("../autre/{rest}"))
        }

        fn link_inline_code(&mut self, code: &str) -> Option<String> {
            (code == "GUIDE_X.md").then(|| "../guide-x/".to_string())
        }
    }

    #[test]
    fn hook_rewrites_links_and_links_inline_code() {
        let html = Renderer::new()
            .render_with("[x](AUTRE.md#sec) et `GUIDE_X.md` et [`GUIDE_X.md`](y)\n", &mut Guides)
            .html;
        assert_eq!(
            html,
            "<p><a href=\"../autre/#sec\">x</a> et <a href=\"../guide-x/\"><code>GUIDE_X.md</code></a> \
             et <a href=\"y\"><code>GUIDE_X.md</code></a></p>\n"
        );
    }
}
