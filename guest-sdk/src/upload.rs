//! File uploads, like `st.file_uploader`: the browser sends each file to
//! the host, and the page gets a description of it whose
//! [`bytes`](UploadedFile::bytes) are read only when asked for.

use crate::bindings::wasmlit::page::widgets::{self as host, FileUploader, Widget, WidgetValue};
use crate::error::expect_ok;
use crate::Ui;

/// A file the user uploaded: its name, type and size, and its content on
/// demand (reading it copies it into the page, so read it once per run).
///
/// ```no_run
/// # fn page(st: &wasmlit::Ui) {
/// if let Some(file) = st.file_uploader("A picture", &["png", "jpg"]) {
///     st.write(format!("{} ({}, {} bytes)", file.name, file.mime, file.size));
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedFile {
    /// The name the browser gave, without directories.
    pub name: String,
    /// The MIME type the browser reported (`application/octet-stream` if
    /// it gave none).
    pub mime: String,
    /// The size in bytes.
    pub size: u64,
    id: String,
}

impl UploadedFile {
    /// The file's content.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// if let Some(file) = st.file_uploader("A CSV file", &["csv"]) {
    ///     let bytes = file.bytes();
    ///     st.write(format!("{} has {} lines", file.name, bytes.split(|b| *b == b'\n').count()));
    /// }
    /// # }
    /// ```
    pub fn bytes(&self) -> Vec<u8> {
        expect_ok(host::read_file(&self.id))
    }

    /// The file's content as text; invalid UTF-8 is replaced with `�`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// if let Some(file) = st.file_uploader("Notes", &["txt", "md"]) {
    ///     st.markdown(&file.text());
    /// }
    /// # }
    /// ```
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes()).into_owned()
    }
}

impl From<crate::bindings::wasmlit::page::widgets::UploadedFile> for UploadedFile {
    fn from(f: crate::bindings::wasmlit::page::widgets::UploadedFile) -> Self {
        UploadedFile {
            name: f.name,
            mime: f.mime,
            size: f.size,
            id: f.id,
        }
    }
}

impl Ui {
    /// A file uploader, like `st.file_uploader`: the user picks or drops a
    /// file, and the page gets it until the user removes it. `types` lists
    /// accepted extensions (`"csv"`) or MIME types (`"image/*"`); empty
    /// accepts any. Files are limited in size by the host
    /// (`upload_file_bytes`, 16 MiB unless changed).
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// match st.file_uploader("Upload a CSV", &["csv"]) {
    ///     Some(file) => st.write(format!("{}: {} bytes", file.name, file.size)),
    ///     None => st.info("No file yet."),
    /// }
    /// # }
    /// ```
    pub fn file_uploader(&self, label: &str, types: &[&str]) -> Option<UploadedFile> {
        self.uploader(label, types, false).into_iter().next()
    }

    /// A file uploader that takes several files, like
    /// `st.file_uploader(accept_multiple_files=True)`: returns them in the
    /// order they were added.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// for file in st.file_uploader_multiple("Images", &["image/*"]) {
    ///     st.write(format!("{} ({})", file.name, file.mime));
    /// }
    /// # }
    /// ```
    pub fn file_uploader_multiple(&self, label: &str, types: &[&str]) -> Vec<UploadedFile> {
        self.uploader(label, types, true)
    }

    /// A photo from the user's camera, like `st.camera_input`: the browser
    /// shows the camera once the user allows it, and "Take photo" sends a
    /// PNG image through the upload path. `None` until a photo is taken
    /// (and after the user clears it).
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// if let Some(photo) = st.camera_input("Take a picture") {
    ///     st.image(photo.bytes());
    /// }
    /// # }
    /// ```
    pub fn camera_input(&self, label: &str) -> Option<UploadedFile> {
        self.uploaded(label, Widget::CameraInput, "camera_input")
            .into_iter()
            .next()
    }

    /// A recording from the user's microphone, like `st.audio_input`: the
    /// user records in the browser, and the recording (WebM or Ogg audio,
    /// as the browser makes it) comes through the upload path. `None`
    /// until one is recorded.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// if let Some(voice) = st.audio_input("Record a note") {
    ///     st.audio(voice.bytes());
    /// }
    /// # }
    /// ```
    pub fn audio_input(&self, label: &str) -> Option<UploadedFile> {
        self.uploaded(label, Widget::AudioInput, "audio_input")
            .into_iter()
            .next()
    }

    fn uploader(&self, label: &str, types: &[&str], multiple: bool) -> Vec<UploadedFile> {
        let widget = Widget::FileUploader(FileUploader {
            types: types.iter().map(|t| (*t).to_owned()).collect(),
            multiple,
        });
        self.uploaded(label, widget, "file_uploader")
    }

    fn uploaded(&self, label: &str, widget: Widget, kind: &str) -> Vec<UploadedFile> {
        match self.show(label, widget) {
            WidgetValue::Files(files) => files.into_iter().map(UploadedFile::from).collect(),
            other => crate::widgets::mismatch(kind, &other),
        }
    }
}
