//! The sample picture the image demo sends when it is given none: a padlock
//! in front of a sky, drawn in code so the repository ships no binary file.
//! Large flat shapes make it obvious at a glance whether a picture is the
//! original or noise.

use image::{Rgb, RgbImage};

pub const WIDTH: u32 = 320;
pub const HEIGHT: u32 = 240;

pub fn padlock() -> RgbImage {
    let mut img = RgbImage::new(WIDTH, HEIGHT);
    let (w, h) = (WIDTH as f32, HEIGHT as f32);
    for (x, y, pixel) in img.enumerate_pixels_mut() {
        let (fx, fy) = (x as f32, y as f32);
        // Sky: a vertical gradient, then two hills.
        let t = fy / h;
        let mut c = [
            (40.0 + 80.0 * t) as u8,
            (110.0 + 90.0 * t) as u8,
            (200.0 + 40.0 * t) as u8,
        ];
        let hill1 = h * 0.78 - 28.0 * ((fx / w) * std::f32::consts::PI * 1.5).sin();
        let hill2 = h * 0.86 - 18.0 * ((fx / w) * std::f32::consts::PI * 3.0 + 1.0).sin();
        if fy > hill1 {
            c = [70, 140, 70];
        }
        if fy > hill2 {
            c = [45, 105, 50];
        }
        // Sun, top right.
        if (fx - w * 0.84).hypot(fy - h * 0.18) < 22.0 {
            c = [250, 215, 80];
        }
        // Padlock shackle: a ring, cut off below its middle by the body.
        let (cx, cy) = (w * 0.5, h * 0.42);
        let r = (fx - cx).hypot(fy - cy);
        if (34.0..48.0).contains(&r) && fy < cy + 10.0 {
            c = [170, 175, 185];
        }
        // Padlock body with a keyhole.
        let body = fx > cx - 62.0 && fx < cx + 62.0 && fy > cy + 8.0 && fy < cy + 100.0;
        if body {
            c = [215, 160, 40];
            let keyhole_round = (fx - cx).hypot(fy - (cy + 45.0)) < 11.0;
            let keyhole_slot = (fx - cx).abs() < 5.0 && fy > cy + 45.0 && fy < cy + 78.0;
            if keyhole_round || keyhole_slot {
                c = [40, 30, 20];
            }
        }
        *pixel = Rgb(c);
    }
    img
}
