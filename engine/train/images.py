"""PNG grids for eyeballing reconstructions and samples (PIL when installed, else a PPM beside it)."""
import numpy as np


def to_uint8(x: np.ndarray) -> np.ndarray:
    """[-1,1] float (…,3,H,W) → uint8 (…,H,W,3)."""
    x = np.clip((x + 1.0) * 127.5 + 0.5, 0, 255).astype(np.uint8)
    return np.moveaxis(x, -3, -1)


def grid(rows, pad: int = 2) -> np.ndarray:
    """rows: list of lists of HWC uint8 images of equal size → one HWC image with a grey gutter."""
    h, w = rows[0][0].shape[:2]
    ncol = max(len(r) for r in rows)
    out = np.full((len(rows) * (h + pad) + pad, ncol * (w + pad) + pad, 3), 128, np.uint8)
    for i, r in enumerate(rows):
        for j, im in enumerate(r):
            y, x = pad + i * (h + pad), pad + j * (w + pad)
            out[y:y + h, x:x + w] = im
    return out


def save_png(img: np.ndarray, path: str, scale: int = 2) -> str:
    img = img.repeat(scale, 0).repeat(scale, 1)   # nearest upscaling: small shapes stay readable
    try:
        from PIL import Image
        Image.fromarray(img).save(path)
        return path
    except ImportError:
        ppm = path.rsplit(".", 1)[0] + ".ppm"
        with open(ppm, "wb") as f:
            f.write(b"P6 %d %d 255\n" % (img.shape[1], img.shape[0]))
            f.write(img.tobytes())
        return ppm
