//! Outbound HTTP: requests from a page (its run, a job or a resource) to
//! the hosts the operator allow-listed for the app, and nowhere else.
//!
//! An app has no network unless its operator grants hosts
//! (`allowed_outbound_hosts` under `[capabilities]` in `app.toml`, or
//! `host serve --allow-outbound-host` for a single app). A request to any
//! other host fails with [`CallError::Denied`] before anything is sent.
//!
//! ```no_run
//! # fn page(st: &wasmlit::Ui) {
//! match wasmlit::http::get("https://api.example.com/rates") {
//!     Ok(response) if response.is_success() => st.code(response.text(), Some("json")),
//!     Ok(response) => st.error(format!("the API answered {}", response.status)),
//!     Err(e) => st.error(e.to_string()),
//! }
//! # }
//! ```

use crate::bindings::wasmlit::page::http as host;
use crate::CallError;
use serde::{de::DeserializeOwned, Serialize};

/// An HTTP request, built step by step and sent with [`Request::send`].
///
/// ```no_run
/// use wasmlit::http::Request;
/// let response = Request::post("https://api.example.com/search")
///     .header("authorization", "Bearer TOKEN")
///     .json(&serde_json::json!({ "q": "rust" }))
///     .send();
/// ```
#[derive(Debug, Clone)]
pub struct Request {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// A body that could not be encoded; reported by `send`.
    error: Option<String>,
}

impl Request {
    /// A request with any method (`"PATCH"`, `"HEAD"`, …) to an absolute
    /// `http` or `https` URL.
    ///
    /// ```no_run
    /// let head = wasmlit::http::Request::new("HEAD", "https://api.example.com/status").send();
    /// ```
    pub fn new(method: &str, url: impl Into<String>) -> Request {
        Request {
            method: method.to_owned(),
            url: url.into(),
            headers: Vec::new(),
            body: Vec::new(),
            error: None,
        }
    }

    /// A `GET` request.
    ///
    /// ```no_run
    /// let page = wasmlit::http::Request::get("https://api.example.com/items?page=2").send();
    /// ```
    pub fn get(url: impl Into<String>) -> Request {
        Request::new("GET", url)
    }

    /// A `POST` request.
    ///
    /// ```no_run
    /// let made = wasmlit::http::Request::post("https://api.example.com/items").body("name=tea").send();
    /// ```
    pub fn post(url: impl Into<String>) -> Request {
        Request::new("POST", url)
    }

    /// A `PUT` request.
    ///
    /// ```no_run
    /// let put = wasmlit::http::Request::put("https://api.example.com/items/7").json(&serde_json::json!({"name": "tea"})).send();
    /// ```
    pub fn put(url: impl Into<String>) -> Request {
        Request::new("PUT", url)
    }

    /// A `DELETE` request.
    ///
    /// ```no_run
    /// let gone = wasmlit::http::Request::delete("https://api.example.com/items/7").send();
    /// ```
    pub fn delete(url: impl Into<String>) -> Request {
        Request::new("DELETE", url)
    }

    /// Adds a header. `Host`, `Content-Length`, `Forwarded`, `X-Forwarded-*`
    /// and connection headers are the host's to set: the request fails with
    /// [`CallError::InvalidArgument`] if the page sets them.
    ///
    /// ```no_run
    /// let r = wasmlit::http::Request::get("https://api.example.com/me").header("accept", "application/json");
    /// ```
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Request {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body.
    ///
    /// ```no_run
    /// let r = wasmlit::http::Request::post("https://api.example.com/upload").body(vec![1u8, 2, 3]);
    /// ```
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Request {
        self.body = body.into();
        self
    }

    /// Sets the body to `value` as JSON, with its `content-type`.
    ///
    /// ```no_run
    /// let r = wasmlit::http::Request::post("https://api.example.com/search").json(&serde_json::json!({"q": "rust"}));
    /// ```
    pub fn json<T: Serialize + ?Sized>(mut self, value: &T) -> Request {
        match serde_json::to_vec(value) {
            Ok(body) => self.body = body,
            Err(e) => self.error = Some(format!("the request body does not encode as JSON: {e}")),
        }
        self.header("content-type", "application/json")
    }

    /// Sends the request and waits for the whole response. Redirects within
    /// the URL's origin are followed; a redirect to another allowed origin
    /// comes back as the 3xx response (its `location` header says where),
    /// so headers and body never travel to a host the page did not name. A
    /// 4xx or 5xx status is a response, not an error.
    ///
    /// Errors: [`CallError::Denied`] for a host not on the allow list,
    /// [`CallError::InvalidArgument`] for a malformed request,
    /// [`CallError::LimitExceeded`] past a limit (request or response size,
    /// time, requests per run), [`CallError::Failed`] for a network or TLS
    /// failure.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// match wasmlit::http::Request::get("https://api.example.com/items").send() {
    ///     Ok(response) if response.is_success() => st.code(response.text(), Some("json")),
    ///     Ok(response) => st.warning(format!("the API answered {}", response.status)),
    ///     Err(e) => st.error(e.to_string()),
    /// }
    /// # }
    /// ```
    pub fn send(self) -> Result<Response, CallError> {
        if let Some(error) = self.error {
            return Err(CallError::InvalidArgument(error));
        }
        let request = host::Request {
            method: self.method,
            url: self.url,
            headers: self.headers,
            body: self.body,
        };
        let response = host::fetch(&request).map_err(CallError::from)?;
        Ok(Response {
            status: response.status,
            url: response.url,
            headers: response.headers,
            body: response.body,
        })
    }
}

/// Sends a `GET` request to `url`; see [`Request::send`].
///
/// ```no_run
/// # fn page(st: &wasmlit::Ui) {
/// if let Ok(response) = wasmlit::http::get("https://api.example.com/health") {
///     st.write(format!("status {}", response.status));
/// }
/// # }
/// ```
pub fn get(url: &str) -> Result<Response, CallError> {
    Request::get(url).send()
}

/// An HTTP response: status, headers and the whole body.
///
/// ```no_run
/// let response = wasmlit::http::get("https://api.example.com/items").unwrap();
/// let kind = response.header("content-type").unwrap_or("unknown");
/// let items: Vec<String> = response.json().unwrap_or_default();
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The URL that answered (another than the request's after a redirect).
    pub url: String,
    /// Header names (lower case) and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// Whether the status is 2xx.
    ///
    /// ```no_run
    /// let ok = wasmlit::http::get("https://api.example.com/health").is_ok_and(|r| r.is_success());
    /// ```
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The first value of header `name` (any case).
    ///
    /// ```no_run
    /// let response = wasmlit::http::get("https://api.example.com/items").unwrap();
    /// let etag = response.header("ETag");
    /// ```
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (invalid UTF-8 replaced).
    ///
    /// ```no_run
    /// let body = wasmlit::http::get("https://example.com/").map(|r| r.text()).unwrap_or_default();
    /// ```
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body decoded from JSON.
    ///
    /// ```no_run
    /// #[derive(serde::Deserialize)]
    /// struct Item { name: String }
    /// let items: Vec<Item> = wasmlit::http::get("https://api.example.com/items").unwrap().json().unwrap();
    /// ```
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, CallError> {
        serde_json::from_slice(&self.body).map_err(|e| {
            CallError::Failed(format!(
                "the response from {} is not the JSON expected: {e}",
                self.url
            ))
        })
    }
}
