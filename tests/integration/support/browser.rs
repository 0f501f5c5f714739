//! A cookie-keeping HTTP client that behaves like a browser with JavaScript off: it
//! loads pages, and posts their plain HTML forms to server functions.

use super::TestApp;
use reqwest::header;

pub struct Browser {
    pub http: reqwest::Client,
    base: String,
}

/// What a form post came back with.
#[derive(Debug)]
pub struct Posted {
    pub status: u16,
    pub location: String,
    pub set_cookies: Vec<String>,
}

impl Posted {
    /// The error a failed post carries back to the page, decoded.
    pub fn error(&self) -> Option<String> {
        let url = reqwest::Url::parse("https://portal.invalid")
            .ok()?
            .join(&self.location)
            .ok()?;
        let (_, err) = url.query_pairs().find(|(k, _)| k == "__err")?;
        use base64::Engine;
        let bytes = base64::engine::general_purpose::URL_SAFE
            .decode(err.as_bytes())
            .ok()?;
        Some(String::from_utf8_lossy(&bytes).into_owned())
    }
}

impl Browser {
    pub fn new(app: &TestApp) -> Browser {
        let mut headers = header::HeaderMap::new();
        headers.insert(
            header::ACCEPT,
            header::HeaderValue::from_static("text/html,application/xhtml+xml"),
        );
        let http = reqwest::Client::builder()
            .danger_accept_invalid_certs(true)
            .timeout(crate::support::REQUEST_TIMEOUT)
            .default_headers(headers)
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Browser {
            http,
            base: app.portal(""),
        }
    }

    /// The same browser (cookies and all) pointed at another portal node, as a load
    /// balancer would send it.
    pub fn at(&self, node: &TestApp) -> Browser {
        Browser {
            http: self.http.clone(),
            base: node.portal(""),
        }
    }

    pub async fn get(&self, path: &str) -> (u16, String) {
        let res = self.response(path).await;
        (res.status().as_u16(), res.text().await.unwrap())
    }

    /// A GET with this browser's cookies, for callers that inspect headers.
    pub async fn response(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    /// The CSRF token the portal put in this browser's forms.
    pub async fn csrf(&self) -> String {
        let (_, html) = self.get("/signin").await;
        let marker = "name=\"csrf\" value=\"";
        let start = html.find(marker).expect("a csrf field") + marker.len();
        html[start..start + 43].to_owned()
    }

    /// Posts a form to `/api/{function}` as a page at `from` would.
    pub async fn post(&self, from: &str, function: &str, fields: &[(&str, &str)]) -> Posted {
        let csrf = self.csrf().await;
        let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf)];
        form.extend_from_slice(fields);
        self.post_raw(from, function, &form).await
    }

    pub async fn post_raw(&self, from: &str, function: &str, form: &[(&str, &str)]) -> Posted {
        let req = self.http.post(format!("{}/api/{function}", self.base));
        Self::posted(req.form(form), &format!("{}{from}", self.base)).await
    }

    /// Posts a `multipart/form-data` form (with its CSRF token) as a page at `from`
    /// would; `file` is `(field, file name, content)`.
    pub async fn post_multipart(
        &self,
        from: &str,
        function: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &str, Vec<u8>)>,
    ) -> Posted {
        let mut form = reqwest::multipart::Form::new().text("csrf", self.csrf().await);
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        if let Some((field, name, bytes)) = file {
            let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
            form = form.part(field.to_owned(), part);
        }
        let req = self.http.post(format!("{}/api/{function}", self.base));
        Self::posted(req.multipart(form), &format!("{}{from}", self.base)).await
    }

    async fn posted(req: reqwest::RequestBuilder, referer: &str) -> Posted {
        let res = req
            .header(header::ACCEPT, "text/html,application/xhtml+xml")
            .header(header::REFERER, referer)
            .send()
            .await
            .unwrap();
        Posted {
            status: res.status().as_u16(),
            location: res
                .headers()
                .get(header::LOCATION)
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default(),
            set_cookies: res
                .headers()
                .get_all(header::SET_COOKIE)
                .iter()
                .map(|v| v.to_str().unwrap().to_owned())
                .collect(),
        }
    }

    pub async fn sign_in(&self, user: &str, password: &str) -> Posted {
        self.post(
            "/signin",
            "sign_in",
            &[("username", user), ("password", password)],
        )
        .await
    }
}
