//! The office network's transport of packages: the smallest HTTP/1.1 that
//! carries one request and one answer per connection, on `std::net`.
//!
//! Why plain HTTP and not TLS: what travels is already a package encrypted
//! for its receiver and signed by its sender's device key (see the parent
//! package module, `sportello::sync`), so someone on the office network reads nothing and can change
//! nothing without the package being refused; a replayed request gets an
//! answer only its device can open. The headers around it say nothing
//! about a family. A TLS layer would add certificates to manage at every
//! desk for no secret it keeps that the package does not.
//!
//! Bounded everywhere: the head of a message (request line and headers) at
//! [`HEAD_LIMIT`], the body at [`BODY_LIMIT`], every read and write of a
//! socket under a timeout. One connection carries one exchange and is then
//! closed (`Connection: close`).
//!
//! Architecture invariant: no SQLite and no clock here (the service's
//! `sync_net` opens the store and tells the time around it).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use crate::error::{Code, Error};

/// The path of the exchange (the version of the protocol is in it).
pub const PATH: &str = "/sportello/sync/1";
/// The header with the sender's schema version (checked before anything is
/// opened, so an older device is told to update at once).
pub const SCHEMA_HEADER: &str = "x-sportello-schema";
/// The header of the hub's answer with what it did with the device's
/// package: the counts as JSON, or `resend` (see docs/sync.md).
pub const RESULT_HEADER: &str = "x-sportello-import";
/// Request line and headers: a few hundred bytes in practice.
pub const HEAD_LIMIT: usize = 16 * 1024;
/// A package: a laptop back after weeks offline carries a few MB; the first
/// package of a new replica of a large office may be tens of MB.
pub const BODY_LIMIT: usize = 256 * 1024 * 1024;

/// A request or an answer, read whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// `POST /path` for a request, the status code for an answer.
    pub method: String,
    pub path: String,
    pub status: u16,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Message {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// The address of a hub: `http://HOST:PORT` (a path, if any, is ignored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubAddress {
    /// `HOST:PORT`, as given.
    pub authority: String,
}

impl HubAddress {
    pub fn parse(url: &str) -> Result<HubAddress, Error> {
        let url = url.trim();
        let bad = |why: &str| {
            Error::invalid(
                "hub",
                format!(
                    "Indirizzo dell'ufficio non valido («{url}»): {why}. Esempio: http://192.168.1.10:7878"
                ),
            )
        };
        let rest = if let Some(r) = url.strip_prefix("http://") {
            r
        } else if url.starts_with("https://") {
            return Err(bad(
                "il server di sincronizzazione parla HTTP semplice (i pacchetti sono già cifrati e firmati): \
                 usare http://",
            ));
        } else {
            return Err(bad("deve cominciare con http://"));
        };
        let authority = rest.split('/').next().unwrap_or_default();
        if authority.is_empty() || authority.contains('@') || authority.chars().any(|c| c.is_whitespace()) {
            return Err(bad("manca l'host"));
        }
        let port = authority.rsplit_once(':').map(|(_, p)| p).unwrap_or_default();
        if port.parse::<u16>().map_or(true, |p| p == 0) {
            return Err(bad("manca la porta"));
        }
        Ok(HubAddress { authority: authority.to_string() })
    }

    /// The URL as it is stored and shown.
    pub fn url(&self) -> String {
        format!("http://{}", self.authority)
    }

    /// Connects within `timeout`, with every read and write bounded by it.
    pub fn connect(&self, timeout: Duration) -> Result<TcpStream, Error> {
        let unreachable = |why: String| {
            Error::new(
                Code::Io,
                format!(
                    "Impossibile raggiungere l'ufficio all'indirizzo {}: {why}. Nulla è stato cambiato: \
                     controllare la rete e che il server di sincronizzazione dell'ufficio sia acceso, poi riprovare",
                    self.url()
                ),
            )
        };
        let addrs: Vec<SocketAddr> = self
            .authority
            .to_socket_addrs()
            .map_err(|e| unreachable(format!("indirizzo non risolto ({e})")))?
            .collect();
        let mut last = None;
        for a in addrs {
            match TcpStream::connect_timeout(&a, timeout) {
                Ok(s) => {
                    bound(&s, timeout).map_err(|e| unreachable(e.to_string()))?;
                    return Ok(s);
                }
                Err(e) => last = Some(e),
            }
        }
        Err(unreachable(match last {
            Some(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => "connessione rifiutata".into(),
            Some(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                "nessuna risposta entro il tempo limite".into()
            }
            Some(e) => e.to_string(),
            None => "nessun indirizzo".into(),
        }))
    }
}

/// Read and write timeouts on a socket.
pub fn bound(s: &TcpStream, timeout: Duration) -> std::io::Result<()> {
    s.set_read_timeout(Some(timeout))?;
    s.set_write_timeout(Some(timeout))?;
    s.set_nodelay(true)
}

/// Sends a request with `body` and reads the answer (on a socket already
/// bounded by [`HubAddress::connect`]).
pub fn post(
    mut stream: TcpStream,
    address: &HubAddress,
    headers: &[(&str, String)],
    body: &[u8],
) -> Result<Message, Error> {
    let lost = |e: std::io::Error| {
        Error::new(
            Code::Io,
            format!(
                "La comunicazione con l'ufficio ({}) si è interrotta: {e}. Riprovare: i pacchetti si possono \
                 ripetere senza danni",
                address.url()
            ),
        )
    };
    let mut head = format!(
        "POST {PATH} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n",
        address.authority,
        body.len()
    );
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).map_err(lost)?;
    stream.write_all(body).map_err(lost)?;
    stream.flush().map_err(lost)?;
    read_message(&mut BufReader::new(stream), false).map_err(|e| match e {
        ReadError::Io(e) => lost(e),
        ReadError::Bad(why) => Error::new(
            Code::Io,
            format!("L'ufficio ({}) ha dato una risposta non valida: {why}", address.url()),
        ),
    })
}

/// Why a message could not be read.
#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    /// Not HTTP, or over a limit: the reason, in Italian.
    Bad(String),
}

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> Self {
        ReadError::Io(e)
    }
}

/// Reads one request (`request`) or answer, bounded by the limits.
pub fn read_message(r: &mut impl BufRead, request: bool) -> Result<Message, ReadError> {
    let mut head = Vec::new();
    loop {
        let before = head.len();
        let n = r.by_ref().take((HEAD_LIMIT + 1 - before) as u64).read_until(b'\n', &mut head)?;
        if n == 0 {
            return Err(ReadError::Bad("messaggio interrotto prima della fine delle intestazioni".into()));
        }
        if head.len() > HEAD_LIMIT {
            return Err(ReadError::Bad("intestazioni troppo lunghe".into()));
        }
        let line = &head[before..];
        if line == b"\r\n" || line == b"\n" {
            break;
        }
    }
    let text = std::str::from_utf8(&head).map_err(|_| ReadError::Bad("intestazioni non in UTF-8".into()))?;
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    let mut parts = first.split_whitespace();
    let (method, path, status) = if request {
        let method = parts.next().unwrap_or_default().to_string();
        let path = parts.next().unwrap_or_default().to_string();
        if !parts.next().is_some_and(|v| v.starts_with("HTTP/1.")) {
            return Err(ReadError::Bad("non è una richiesta HTTP/1.1".into()));
        }
        (method, path, 0)
    } else {
        if !parts.next().is_some_and(|v| v.starts_with("HTTP/1.")) {
            return Err(ReadError::Bad("non è una risposta HTTP/1.1".into()));
        }
        let status = parts
            .next()
            .and_then(|s| s.parse::<u16>().ok())
            .ok_or_else(|| ReadError::Bad("codice di stato mancante".into()))?;
        (String::new(), String::new(), status)
    };
    let mut headers = Vec::new();
    for line in lines {
        if line.is_empty() {
            break;
        }
        let Some((n, v)) = line.split_once(':') else {
            return Err(ReadError::Bad("intestazione senza «:»".into()));
        };
        headers.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    let mut m = Message { method, path, status, headers, body: Vec::new() };
    if m.header("transfer-encoding").is_some() {
        return Err(ReadError::Bad("codifica a blocchi non prevista: serve Content-Length".into()));
    }
    let len = match m.header("content-length") {
        Some(v) => v.parse::<usize>().map_err(|_| ReadError::Bad("Content-Length non valido".into()))?,
        None if request => 0,
        None => return Err(ReadError::Bad("Content-Length mancante".into())),
    };
    if len > BODY_LIMIT {
        return Err(ReadError::Bad(format!("il pacchetto supera il limite di {} MiB", BODY_LIMIT >> 20)));
    }
    m.body = vec![0; len];
    r.read_exact(&mut m.body)?;
    Ok(m)
}

/// Writes an answer with `status`, extra headers and a body.
pub fn respond(
    w: &mut impl Write,
    status: u16,
    content_type: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Payload Too Large",
        422 => "Unprocessable Entity",
        426 => "Upgrade Required",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    };
    let mut head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str("\r\n");
    w.write_all(head.as_bytes())?;
    w.write_all(body)?;
    w.flush()
}

/// The HTTP status of a refusal, by its code.
pub fn status_of(code: Code) -> u16 {
    match code {
        Code::Invalid => 422,
        Code::Unauthorized => 401,
        Code::Forbidden => 403,
        Code::NotFound => 404,
        Code::Conflict => 409,
        Code::Locked => 503,
        _ => 500,
    }
}

/// The error an answer carries (`{code, message, field}` JSON), as the
/// library's [`Error`]; an answer that is not one gives its status.
pub fn error_of(m: &Message) -> Error {
    #[derive(serde::Deserialize)]
    struct Body {
        code: Option<String>,
        message: Option<String>,
        field: Option<String>,
    }
    let parsed: Option<Body> = serde_json::from_slice(&m.body).ok();
    let code = parsed.as_ref().and_then(|b| b.code.as_deref()).map(code_of).unwrap_or(Code::Io);
    let message = parsed
        .as_ref()
        .and_then(|b| b.message.clone())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| format!("L'ufficio ha risposto con l'errore HTTP {}", m.status));
    let mut e = Error::new(code, message);
    if let Some(f) = parsed.and_then(|b| b.field) {
        e = e.with_field(f);
    }
    e
}

/// The code of its stable name (an unknown name: an input/output failure).
fn code_of(s: &str) -> Code {
    [
        Code::Invalid,
        Code::UnknownComune,
        Code::NoRuleSet,
        Code::BadRuleSet,
        Code::NotFound,
        Code::Conflict,
        Code::Forbidden,
        Code::Storage,
        Code::DiskFull,
        Code::Io,
        Code::Internal,
        Code::Unauthorized,
        Code::Locked,
        Code::Corrupt,
    ]
    .into_iter()
    .find(|c| c.as_str() == s)
    .unwrap_or(Code::Io)
}

/// The JSON body of an error answer.
pub fn error_body(e: &Error) -> Vec<u8> {
    serde_json::to_vec(
        &serde_json::json!({ "code": e.code.as_str(), "message": e.message, "field": e.field }),
    )
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_and_an_answer_round_trip() {
        let mut out = Vec::new();
        respond(&mut out, 200, "application/octet-stream", &[(RESULT_HEADER, "resend".into())], b"abc")
            .unwrap();
        let m = read_message(&mut &out[..], false).unwrap();
        assert_eq!(
            (m.status, m.body.as_slice(), m.header(RESULT_HEADER)),
            (200, &b"abc"[..], Some("resend"))
        );
        let req = format!("POST {PATH} HTTP/1.1\r\nContent-Length: 2\r\nX-Sportello-Schema: 7\r\n\r\nhi");
        let m = read_message(&mut req.as_bytes(), true).unwrap();
        assert_eq!((m.method.as_str(), m.path.as_str(), m.header(SCHEMA_HEADER)), ("POST", PATH, Some("7")));
        assert_eq!(m.body, b"hi");
    }

    #[test]
    fn oversized_heads_and_bodies_and_cut_messages_are_refused() {
        let long = format!("POST / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(HEAD_LIMIT));
        assert!(matches!(read_message(&mut long.as_bytes(), true), Err(ReadError::Bad(_))));
        let big = format!("POST / HTTP/1.1\r\nContent-Length: {}\r\n\r\n", BODY_LIMIT + 1);
        assert!(matches!(read_message(&mut big.as_bytes(), true), Err(ReadError::Bad(_))));
        let cut = "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc";
        assert!(matches!(read_message(&mut cut.as_bytes(), true), Err(ReadError::Io(_))));
        assert!(matches!(read_message(&mut &b"GARBAGE"[..], true), Err(ReadError::Bad(_))));
    }

    #[test]
    fn hub_addresses_are_http_with_a_port() {
        assert_eq!(HubAddress::parse("http://127.0.0.1:7878/").unwrap().authority, "127.0.0.1:7878");
        for bad in ["https://127.0.0.1:1", "127.0.0.1:7878", "http://host", "http://:0", "http://a b:1"] {
            assert_eq!(HubAddress::parse(bad).unwrap_err().code, Code::Invalid, "{bad}");
        }
    }

    #[test]
    fn an_error_answer_gives_back_the_code_and_the_message() {
        let e = Error::new(Code::Forbidden, "revocato").with_field("device");
        let m = Message {
            method: String::new(),
            path: String::new(),
            status: 403,
            headers: vec![],
            body: error_body(&e),
        };
        assert_eq!(error_of(&m), e);
    }
}
