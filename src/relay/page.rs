//! The live page, `GET /`: "what the server sees", for a projector. Three
//! files compiled into the binary (`page/`): the HTML, a style sheet and a
//! script that asks `/api/view` every second. Nothing comes from the
//! network beyond this relay, and the browser is told so: the page's
//! Content-Security-Policy allows only this relay's own script, style and
//! data.

use super::http::Response;

const HTML: &str = include_str!("page/index.html");
const SCRIPT: &str = include_str!("page/page.js");
const STYLE: &str = include_str!("page/page.css");

/// Only this relay's own files and data; no frames, forms or plugins.
const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
                      connect-src 'self'; img-src 'self'; base-uri 'none'; \
                      form-action 'none'; frame-ancestors 'none'";

/// The page, with the address students use written in.
pub fn html(relay_url: &str) -> Response {
    let page = HTML.replace("{{RELAY}}", &html_escaped(relay_url));
    Response::bytes(200, "text/html; charset=utf-8", page.into_bytes())
        .with_header("content-security-policy", POLICY)
}

pub fn script() -> Response {
    Response::bytes(
        200,
        "text/javascript; charset=utf-8",
        SCRIPT.as_bytes().to_vec(),
    )
}

pub fn style() -> Response {
    Response::bytes(200, "text/css; charset=utf-8", STYLE.as_bytes().to_vec())
}

fn html_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_loads_nothing_from_elsewhere() {
        for text in [HTML, SCRIPT, STYLE] {
            for outside in ["http://", "https://", "//fonts", "@import", "url("] {
                assert!(!text.contains(outside), "{outside}");
            }
        }
        // And it only ever writes text, never HTML, from the data.
        assert!(!SCRIPT.contains("innerHTML"));
        assert!(SCRIPT.contains("textContent"));
    }
}
