//! Descriptions as HTML: API and parameter descriptions are CommonMark (as OpenAPI
//! documents write them), rendered here on the server into HTML that can carry no
//! script. Raw HTML in the text is shown as text, links keep only `http`, `https`,
//! `mailto` or relative targets, images become links (the portal loads nothing from
//! elsewhere), and headings start below the page's own.

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

/// Whether a link may point at `url`. Browsers ignore whitespace and control characters
/// inside a scheme (`java\tscript:`), so those are removed before looking at it.
fn safe_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    let scheme_end = cleaned.find(':');
    let path_start = cleaned.find(['/', '?', '#']);
    match (scheme_end, path_start) {
        (None, _) => true,
        (Some(colon), Some(slash)) if slash < colon => true,
        (Some(colon), _) => matches!(&cleaned[..colon], "http" | "https" | "mailto"),
    }
}

fn lower(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        HeadingLevel::H3 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

fn link<'a>(dest_url: CowStr<'a>, title: CowStr<'a>) -> Tag<'a> {
    Tag::Link {
        link_type: LinkType::Inline,
        dest_url,
        title,
        id: CowStr::Borrowed(""),
    }
}

/// `text` (CommonMark) as safe HTML; empty text gives an empty string.
pub fn to_html(text: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    // For each open link or image: whether its tags are kept (an unsafe one keeps only
    // its text).
    let mut kept: Vec<bool> = Vec::new();
    let events = Parser::new_ext(text, options).filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Some(Event::Start(Tag::Heading {
            level: lower(level),
            id,
            classes,
            attrs,
        })),
        Event::End(TagEnd::Heading(level)) => Some(Event::End(TagEnd::Heading(lower(level)))),
        Event::Start(Tag::Link {
            dest_url, title, ..
        })
        | Event::Start(Tag::Image {
            dest_url, title, ..
        }) => {
            let safe = safe_url(&dest_url);
            kept.push(safe);
            safe.then(|| Event::Start(link(dest_url, title)))
        }
        Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => kept
            .pop()
            .unwrap_or(false)
            .then_some(Event::End(TagEnd::Link)),
        other => Some(other),
    });
    let mut html = String::with_capacity(text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn commonmark_renders_with_headings_below_the_pages_own() {
        let html = to_html("# Pets\n\nA **store** with `code` and ~~old~~.\n\n- one\n- two");
        assert_eq!(
            html,
            "<h3>Pets</h3>\n<p>A <strong>store</strong> with <code>code</code> and \
             <del>old</del>.</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
        );
        assert_eq!(to_html(""), "");
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let html = to_html("<script>alert(1)</script>\n\nhi <img src=x onerror=alert(1)>");
        assert!(
            !html.contains("<script") && !html.contains("<img"),
            "{html}"
        );
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
    }

    #[test]
    fn only_web_and_mail_links_are_kept() {
        let html = to_html("[site](https://example.com/a?b=1) [mail](mailto:a@example.com) [top](#pets) [up](../v1)");
        for href in [
            "https://example.com/a?b=1",
            "mailto:a@example.com",
            "#pets",
            "../v1",
        ] {
            assert!(html.contains(&format!("href=\"{href}\"")), "{href}: {html}");
        }
        for evil in [
            "[x](javascript:alert(1))",
            "[x](JavaScript:alert(1))",
            "[x](<java\tscript:alert(1)>)",
            "[x](jav&#x61;script:alert(1))",
            "[x](data:text/html;base64,PHNjcmlwdD4=)",
            "[x](vbscript:msgbox)",
        ] {
            let html = to_html(evil);
            assert!(!html.contains("href"), "{evil}: {html}");
            assert!(html.contains(">x<"), "its text stays: {html}");
        }
    }

    #[test]
    fn images_become_links_and_load_nothing() {
        let html = to_html("![diagram](https://cdn.example.com/d.png) ![bad](javascript:x)");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("<a href=\"https://cdn.example.com/d.png\">diagram</a>"),
            "{html}"
        );
        assert!(
            html.contains("bad") && html.matches("href").count() == 1,
            "{html}"
        );
    }
}
