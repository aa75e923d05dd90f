//! The login QR, drawn in Rust so the UI shows an image, not WhatsApp's page.

use base64::Engine;
use image::Luma;
use qrcode::QrCode;

/// Renders a QR code as a PNG `data:` URL (about 300 px wide, with a quiet zone).
pub fn png_data_url(code: &str) -> Result<String, String> {
    let qr = QrCode::new(code.as_bytes()).map_err(|e| e.to_string())?;
    let img = qr
        .render::<Luma<u8>>()
        .min_dimensions(300, 300)
        .quiet_zone(true)
        .build();
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| e.to_string())?;
    Ok(format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(png)
    ))
}

/// Renders a QR code as text for a terminal (two rows per character).
pub fn terminal(code: &str) -> Result<String, String> {
    let qr = QrCode::new(code.as_bytes()).map_err(|e| e.to_string())?;
    Ok(qr
        .render::<qrcode::render::unicode::Dense1x2>()
        .dark_color(qrcode::render::unicode::Dense1x2::Light)
        .light_color(qrcode::render::unicode::Dense1x2::Dark)
        .quiet_zone(true)
        .build())
}

#[cfg(test)]
mod tests {
    #[test]
    fn renders_a_png() {
        let url = super::png_data_url("2@ABC,DEF,GHI,JKL").unwrap();
        assert!(url.starts_with("data:image/png;base64,iVBORw0KGgo"));
    }
}
