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
    pub fn get(url: impl Into<String>) -> Request {
        Request::new("GET", url)
    }

    /// A `POST` request.
    pub fn post(url: impl Into<String>) -> Request {
        Request::new("POST", url)
    }

    /// A `PUT` request.
    pub fn put(url: impl Into<String>) -> Request {
        Request::new("PUT", url)
    }

    /// A `DELETE` request.
    pub fn delete(url: impl Into<String>) -> Request {
        Request::new("DELETE", url)
    }

    /// Adds a header. `Host`, `Content-Length`, `Forwarded`, `X-Forwarded-*`
    /// and connection headers are the host's to set: the request fails with
    /// [`CallError::InvalidArgument`] if the page sets them.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Request {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Request {
        self.body = body.into();
        self
    }

    /// Sets the body to `value` as JSON, with its `content-type`.
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
pub fn get(url: &str) -> Result<Response, CallError> {
    Request::get(url).send()
}

/// An HTTP response: status, headers and the whole body.
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
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body decoded from JSON.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, CallError> {
        serde_json::from_slice(&self.body).map_err(|e| {
            CallError::Failed(format!(
                "the response from {} is not the JSON expected: {e}",
                self.url
            ))
        })
    }
}
