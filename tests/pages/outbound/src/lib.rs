//! Test page for outbound HTTP. The query says what to send: `url`,
//! `method` (GET), `header` (`name: value`, repeatable), `body`, `times`
//! (send it this many times, 1) and `in=job` (send from a job). Draws one
//! line per request: `status …`, then `url`, `body` and each header, or
//! `error <kind>: <message>`.
use wasmlit::http::Request;
use wasmlit::{CallError, Ui};

/// The lines drawn for one request.
fn send(request: Request) -> Vec<String> {
    match request.send() {
        Ok(response) => {
            let mut lines = vec![
                format!("status {}", response.status),
                format!("url {}", response.url),
                format!("body {}", response.text()),
            ];
            lines.extend(
                response
                    .headers
                    .iter()
                    .map(|(name, value)| format!("header {name}: {value}")),
            );
            lines
        }
        Err(e) => {
            let kind = match &e {
                CallError::Denied(_) => "denied",
                CallError::InvalidArgument(_) => "invalid",
                CallError::LimitExceeded(_) => "limit",
                CallError::Failed(_) => "failed",
                CallError::OutsideRun(_) | CallError::DuplicateWidgetId(_) => "other",
            };
            vec![format!("error {kind}: {e}")]
        }
    }
}

/// A request from the query's parameters: (method, url, headers, body).
type Spec = (String, String, Vec<(String, String)>, String);

fn build((method, url, headers, body): Spec) -> Request {
    let mut request = Request::new(&method, url).body(body);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    request
}

fn from_job(spec: Spec) -> Vec<String> {
    send(build(spec))
}

#[wasmlit::page]
fn outbound(st: &Ui) {
    let params = st.query_params().all();
    let get = |key: &str| {
        params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    let headers = params
        .iter()
        .filter(|(k, _)| k == "header")
        .filter_map(|(_, v)| v.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let spec: Spec = (
        get("method").unwrap_or_else(|| "GET".into()),
        get("url").unwrap_or_default(),
        headers,
        get("body").unwrap_or_default(),
    );
    let times: u32 = get("times").and_then(|t| t.parse().ok()).unwrap_or(1);
    for _ in 0..times {
        let lines = if get("in").as_deref() == Some("job") {
            st.spawn(from_job, spec.clone())
                .join()
                .unwrap_or_else(|e| vec![format!("error job: {e}")])
        } else {
            send(build(spec.clone()))
        };
        for line in lines {
            st.text(line);
        }
    }
    st.text("done");
}
