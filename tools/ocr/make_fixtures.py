#!/usr/bin/env python3
"""Renders the OCR test set: tests/fixtures/ocr/NNN.png|jpg and labels.json.

Debian fonts (fonts-dejavu-core, fonts-liberation, fonts-wqy-microhei) drawn with Pillow; image i depends only on
(--seed, i). Categories, in file order:
  clean    single lines, dark on light, no distortion (the "clean single lines" CER target)
  inverse  light on dark
  rotated  rotated by 1..5 degrees
  blur     Gaussian blur, radius 0.5..1.0
  jpeg     JPEG quality 35..70
  doc      multi-line documents (3..6 lines)
  chinese  Chinese lines (with digits and punctuation)
Canvas sides are multiples of 32 so the detector input is the image itself in every implementation: the resize to
the detector's grid (PaddleOCR rounds, @gutenye/ocr-node rounds up, with different resamplers) is left out of the
parity comparison on purpose and tested on its own.

labels.json: {"images": [{"file", "category", "font", "size", "lines": [{"text", "box": [[x, y] x4]}]}]} with lines in
reading order and box = the rotated tight box of the line's ink (before blur).

Reproduce: apt-get install fonts-dejavu-core fonts-liberation fonts-wqy-microhei python3-pil
           /usr/bin/python3 tools/ocr/make_fixtures.py --out tests/fixtures/ocr
           /usr/bin/python3 tools/ocr/make_fixtures.py --sample samples/Multimodal.Cli/assets/text/receipt.png
"""

import argparse
import io
import json
import math
import os
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONTS = {
    "DejaVuSans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "DejaVuSerif": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "DejaVuSansMono": "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "DejaVuSans-Bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "LiberationSans": "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "LiberationSerif": "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "LiberationMono": "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
}
CJK_FONT = ("WenQuanYiMicroHei", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")

WORDS = ["Invoice", "Total", "Receipt", "Order", "Customer", "Payment", "Delivery", "Meeting", "Room", "Floor",
         "Station", "Platform", "Exit", "Welcome", "Coffee", "Sandwich", "Quarterly", "Report", "Summary", "Account",
         "Balance", "Amount", "Due", "Subtotal", "Tax", "Discount", "Open", "Closed", "Monday", "Friday", "Street",
         "Avenue", "Office", "Ticket", "Gate", "Flight", "Price", "Sale", "New", "Item", "Qty", "Reference"]
CHINESE = ["欢迎光临", "今天天气很好", "价格：128元", "北京市海淀区", "会议时间下午三点", "发票号码20261203",
           "合计金额：56.80元", "上海中国银行", "电话：010-62751234", "日期：2026年12月3日", "地址：上海市中山路88号",
           "营业时间9:00-21:00"]


def random_line(rng):
    kind = rng.randrange(8)
    if kind == 0:
        return f"Invoice {rng.randrange(2020, 2030)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d} total {rng.randrange(1, 999)}.{rng.randrange(100):02d}"
    if kind == 1:
        return f"Date: {rng.randrange(1, 29):02d}/{rng.randrange(1, 13):02d}/{rng.randrange(1990, 2030)}"
    if kind == 2:
        return f"{rng.choice(['Total', 'Subtotal', 'Amount Due', 'Price'])}: ${rng.randrange(1, 9999):,}.{rng.randrange(100):02d}"
    if kind == 3:
        return f"Order #{rng.randrange(10000, 99999)} {rng.choice(['shipped', 'received', 'Pending', 'CANCELLED'])}"
    if kind == 4:
        return f"{rng.choice(WORDS)} {rng.randrange(1, 24)}:{rng.randrange(60):02d} {rng.choice(['AM', 'PM'])}"
    if kind == 5:
        return f"Call {rng.randrange(200, 999)}-{rng.randrange(1000, 9999)} ext {rng.randrange(10, 99)}"
    words = [rng.choice(WORDS) for _ in range(rng.randrange(2, 5))]
    if kind == 6:
        words = [w.upper() if rng.random() < 0.3 else w.lower() if rng.random() < 0.3 else w for w in words]
    return " ".join(words) + (f" {rng.randrange(1, 500)}" if rng.random() < 0.5 else "")


def round32(n):
    return max(32, int(math.ceil(n / 32.0)) * 32)


def ink_box(font, text, x, y):
    left, top, right, bottom = font.getbbox(text)
    return [x + left, y + top, x + right, y + bottom]


def rotate_points(points, angle_deg, cx, cy):
    # PIL rotates counter-clockwise for positive angles (in image coordinates with y down, that is -angle).
    a = math.radians(angle_deg)
    cos, sin = math.cos(a), math.sin(a)
    out = []
    for px, py in points:
        dx, dy = px - cx, py - cy
        out.append([round(cx + dx * cos + dy * sin, 1), round(cy - dx * sin + dy * cos, 1)])
    return out


def render(rng, category, index, out_dir):
    chinese = category == "chinese"
    font_name, font_path = CJK_FONT if chinese else rng.choice(sorted(FONTS.items()))
    size = rng.randrange(14, 49)
    font = ImageFont.truetype(font_path, size)
    if category == "doc":
        texts = [random_line(rng) for _ in range(rng.randrange(3, 7))]
    elif chinese:
        texts = [rng.choice(CHINESE)]
    else:
        texts = [random_line(rng)]

    dark = rng.randrange(0, 60)
    light = rng.randrange(200, 256)
    fg, bg = (light, dark) if category == "inverse" else (dark, light)
    margin = rng.randrange(16, 40)
    spacing = int(size * rng.uniform(1.5, 1.9))
    widths = [font.getbbox(t)[2] for t in texts]
    width = round32(max(widths) + 2 * margin)
    height = round32(spacing * (len(texts) - 1) + size * 1.3 + 2 * margin + (width * 0.09 if category == "rotated" else 0))
    if max(width, height) > 960:
        raise ValueError(f"image {index} too large: {width}x{height}")

    image = Image.new("L", (width, height), bg)
    draw = ImageDraw.Draw(image)
    lines = []
    top = (height - (spacing * (len(texts) - 1) + size * 1.3)) // 2 if category == "rotated" else margin
    for i, text in enumerate(texts):
        x, y = margin, top + i * spacing
        draw.text((x, y), text, font=font, fill=fg)
        x0, y0, x1, y1 = ink_box(font, text, x, y)
        lines.append({"text": text, "box": [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]})

    if category == "rotated":
        angle = rng.uniform(1, 5) * rng.choice([-1, 1])
        image = image.rotate(angle, resample=Image.BICUBIC, fillcolor=bg)
        for line in lines:
            line["box"] = rotate_points(line["box"], angle, width / 2, height / 2)
    if category == "blur":
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.0)))

    rgb = image.convert("RGB")
    if category == "jpeg":
        name = f"{index:03d}.jpg"
        rgb.save(os.path.join(out_dir, name), quality=rng.randrange(35, 71))
    else:
        name = f"{index:03d}.png"
        rgb.save(os.path.join(out_dir, name), optimize=True)
    return {"file": name, "category": category, "font": font_name, "size": size, "lines": lines}


def sample(path):
    """The CLI's sample with text (samples/Multimodal.Cli/assets/text/receipt.png): three lines, two fonts."""
    image = Image.new("RGB", (448, 160), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    bold = ImageFont.truetype(FONTS["DejaVuSans-Bold"], 30)
    regular = ImageFont.truetype(FONTS["LiberationSans"], 24)
    draw.text((24, 20), "CORNER CAFE", font=bold, fill=(30, 30, 30))
    draw.text((24, 70), "Invoice 2026-12-03", font=regular, fill=(40, 40, 40))
    draw.text((24, 110), "Total: $42.50", font=regular, fill=(40, 40, 40))
    image.save(path, optimize=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out")
    parser.add_argument("--seed", type=int, default=25)
    parser.add_argument("--sample", help="write the CLI's sample image with text to this path instead")
    args = parser.parse_args()
    if args.sample:
        sample(args.sample)
        return
    os.makedirs(args.out, exist_ok=True)
    plan = ["clean"] * 16 + ["inverse"] * 6 + ["rotated"] * 6 + ["blur"] * 6 + ["jpeg"] * 6 + ["doc"] * 6 + ["chinese"] * 6
    images = []
    for index, category in enumerate(plan):
        rng = random.Random(args.seed * 100003 + index)
        images.append(render(rng, category, index, args.out))
    with open(os.path.join(args.out, "labels.json"), "w", encoding="utf-8") as f:
        json.dump({"seed": args.seed, "images": images}, f, ensure_ascii=False, indent=1)
    print(f"{len(images)} images, {sum(len(i['lines']) for i in images)} lines -> {args.out}")


if __name__ == "__main__":
    main()
