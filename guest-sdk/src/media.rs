//! Media: images, sounds, videos and PDFs. Their bytes go to the host, which
//! keeps them for the session and lets the browser fetch them from a URL of
//! the session's own, like Streamlit's media file manager; they never travel
//! inside the page's messages.

use crate::bindings::wasmlit::page::ui::{
    Element, Image as WitImage, ImageItem, Media as WitMedia, MediaData as WitMediaData, Pdf,
    Subtitle,
};
use crate::Ui;

/// The bytes of an image, a sound, a video or a document, with their MIME
/// type if known (the host recognises PNG, JPEG, GIF, WebP, SVG, WAV, MP3,
/// Ogg, FLAC, WebM, MP4 and PDF from their first bytes).
#[derive(Debug, Clone)]
pub struct MediaData {
    bytes: Vec<u8>,
    mime: Option<String>,
}

impl MediaData {
    /// Bytes of type `mime`, e.g. `"image/svg+xml"`.
    ///
    /// ```no_run
    /// let svg = wasmlit::MediaData::typed(b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(), "image/svg+xml");
    /// ```
    pub fn typed(bytes: Vec<u8>, mime: &str) -> MediaData {
        MediaData {
            bytes,
            mime: Some(mime.to_owned()),
        }
    }

    /// The content of a file under the app's granted `/data` directory
    /// (its type from the file's extension, or from its first bytes).
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) -> std::io::Result<()> {
    /// st.image(wasmlit::MediaData::file("/data/logo.png")?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn file(path: &str) -> std::io::Result<MediaData> {
        let bytes = std::fs::read(path)?;
        let extension = path.rsplit('.').next().unwrap_or_default();
        let mime = match extension.to_ascii_lowercase().as_str() {
            "png" => Some("image/png"),
            "jpg" | "jpeg" => Some("image/jpeg"),
            "gif" => Some("image/gif"),
            "webp" => Some("image/webp"),
            "svg" => Some("image/svg+xml"),
            "mp3" => Some("audio/mpeg"),
            "wav" => Some("audio/wav"),
            "ogg" | "oga" => Some("audio/ogg"),
            "flac" => Some("audio/flac"),
            "mp4" | "m4v" => Some("video/mp4"),
            "webm" => Some("video/webm"),
            "pdf" => Some("application/pdf"),
            _ => None,
        };
        Ok(MediaData {
            bytes,
            mime: mime.map(str::to_owned),
        })
    }

    fn wit(self) -> WitMediaData {
        WitMediaData {
            bytes: self.bytes,
            mime: self.mime,
        }
    }
}

impl From<Vec<u8>> for MediaData {
    fn from(bytes: Vec<u8>) -> MediaData {
        MediaData { bytes, mime: None }
    }
}

impl From<&[u8]> for MediaData {
    fn from(bytes: &[u8]) -> MediaData {
        MediaData::from(bytes.to_vec())
    }
}

impl<const N: usize> From<&[u8; N]> for MediaData {
    fn from(bytes: &[u8; N]) -> MediaData {
        MediaData::from(bytes.to_vec())
    }
}

/// How an audio or video player starts and plays.
#[derive(Debug, Clone, Default)]
pub struct Player {
    /// Where playback starts, in seconds.
    pub start_time: u32,
    /// Where playback stops, in seconds.
    pub end_time: Option<u32>,
    /// Start again at the end.
    pub looping: bool,
    /// Start playing when drawn (browsers allow it only when muted).
    pub autoplay: bool,
    /// Without sound.
    pub muted: bool,
    /// Subtitle tracks for a video: a label and WebVTT text each.
    pub subtitles: Vec<(String, String)>,
}

impl Ui {
    /// An image, like `st.image`: PNG, JPEG, GIF, WebP or SVG bytes, at
    /// the container's width (at most the image's own). An SVG is shown as
    /// an image: its scripts never run.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui, png: Vec<u8>) {
    /// st.image(png);
    /// # }
    /// ```
    pub fn image(&self, data: impl Into<MediaData>) {
        self.images(vec![(data.into(), None)], None);
    }

    /// An image with a caption under it and a width in pixels, like
    /// `st.image(…, caption=…, width=…)`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui, png: Vec<u8>) {
    /// st.image_with(png, Some("Sales by region"), Some(300));
    /// # }
    /// ```
    pub fn image_with(
        &self,
        data: impl Into<MediaData>,
        caption: Option<&str>,
        width: Option<u32>,
    ) {
        self.images(vec![(data.into(), caption.map(str::to_owned))], width);
    }

    /// Several images side by side, each with an optional caption, like
    /// `st.image([…], caption=[…])`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui, a: Vec<u8>, b: Vec<u8>) {
    /// st.images(vec![(a.into(), Some("before".into())), (b.into(), Some("after".into()))], Some(200));
    /// # }
    /// ```
    pub fn images(&self, items: Vec<(MediaData, Option<String>)>, width: Option<u32>) {
        self.emit(Element::Image(WitImage {
            items: items
                .into_iter()
                .map(|(data, caption)| ImageItem {
                    data: data.wit(),
                    caption,
                })
                .collect(),
            width,
        }));
    }

    /// An audio player, like `st.audio`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui, wav: Vec<u8>) {
    /// st.audio(wav);
    /// # }
    /// ```
    pub fn audio(&self, data: impl Into<MediaData>) {
        self.audio_with(data, &Player::default());
    }

    /// An audio player that starts at a time, loops or plays at once, like
    /// `st.audio(…, start_time=…, loop=True, autoplay=True)`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui, wav: Vec<u8>) {
    /// st.audio_with(wav, &wasmlit::Player { start_time: 5, looping: true, ..Default::default() });
    /// # }
    /// ```
    pub fn audio_with(&self, data: impl Into<MediaData>, player: &Player) {
        self.emit(Element::Audio(player.wit(data.into())));
    }

    /// A video player, like `st.video`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui, mp4: Vec<u8>) {
    /// st.video(mp4);
    /// # }
    /// ```
    pub fn video(&self, data: impl Into<MediaData>) {
        self.video_with(data, &Player::default());
    }

    /// A video player with a start and end time, looping, autoplay, muted
    /// or subtitles (WebVTT), like `st.video(…, subtitles=…)`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui, webm: Vec<u8>) {
    /// let subtitles = vec![("English".to_owned(), "WEBVTT\n\n00:00.000 --> 00:02.000\nHello".to_owned())];
    /// st.video_with(webm, &wasmlit::Player { muted: true, autoplay: true, subtitles, ..Default::default() });
    /// # }
    /// ```
    pub fn video_with(&self, data: impl Into<MediaData>, player: &Player) {
        self.emit(Element::Video(player.wit(data.into())));
    }

    /// The app's logo at the top of the sidebar, like `st.logo`, linking
    /// to `link` (http or https) if given.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) -> std::io::Result<()> {
    /// st.logo(wasmlit::MediaData::file("/data/logo.svg")?, Some("https://example.com"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn logo(&self, image: impl Into<MediaData>, link: Option<&str>) {
        self.emit(Element::Logo(crate::bindings::wasmlit::page::ui::Logo {
            image: image.into().wit(),
            link: link.map(str::to_owned),
        }));
    }

    /// A PDF document in the browser's viewer, like `st.pdf`; `height` in
    /// pixels (500 when none).
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui, report: Vec<u8>) {
    /// st.pdf(report, Some(600));
    /// # }
    /// ```
    pub fn pdf(&self, data: impl Into<MediaData>, height: Option<u32>) {
        self.emit(Element::Pdf(Pdf {
            data: data.into().bytes,
            height,
        }));
    }
}

impl Player {
    fn wit(&self, data: MediaData) -> WitMedia {
        WitMedia {
            data: data.wit(),
            start_seconds: self.start_time,
            end_seconds: self.end_time,
            loop_: self.looping,
            autoplay: self.autoplay,
            muted: self.muted,
            subtitles: self
                .subtitles
                .iter()
                .map(|(label, vtt)| Subtitle {
                    label: label.clone(),
                    data: vtt.as_bytes().to_vec(),
                })
                .collect(),
        }
    }
}
