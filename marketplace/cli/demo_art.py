"""Product photos for the demo, drawn with Pillow: simple still lifes, no stock photos to license.

Shapes are drawn on a 100-unit grid at twice the output size and scaled down, which smooths edges.
"""

import io
import math
import random

from PIL import Image, ImageDraw, ImageFilter

SIZE = 800
SCALE = 2


def _mix(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _lighter(colour, t=0.5):
    return _mix(colour, (255, 255, 255), t)


def _darker(colour, t=0.3):
    return _mix(colour, (0, 0, 0), t)


class Canvas:
    def __init__(self, background, floor):
        side = SIZE * SCALE
        # Background: wall fading into a table top, drawn as one column and stretched.
        column = Image.new("RGB", (1, side))
        column.putdata([_mix(background, floor, min(1.0, max(0.0, (y / side - 0.55) * 4))) for y in range(side)])
        self.image = column.resize((side, side), Image.Resampling.NEAREST)
        self.draw = ImageDraw.Draw(self.image)

    def _p(self, *values):
        return [v * SIZE * SCALE / 100 for v in values]

    def ellipse(self, x0, y0, x1, y1, fill, outline=None, width=0):
        self.draw.ellipse(self._p(x0, y0, x1, y1), fill=fill, outline=outline, width=int(width * SCALE * 9))

    def rect(self, x0, y0, x1, y1, fill, radius=0, outline=None, width=0):
        self.draw.rounded_rectangle(self._p(x0, y0, x1, y1), radius=radius * SIZE * SCALE / 100, fill=fill,
                                    outline=outline, width=int(width * SCALE * 9))

    def polygon(self, points, fill):
        self.draw.polygon([tuple(self._p(x, y)) for x, y in points], fill=fill)

    def line(self, points, fill, width):
        self.draw.line([tuple(self._p(x, y)) for x, y in points], fill=fill, width=int(width * SCALE * 9),
                       joint="curve")

    def shadow(self, cx, cy, rx, ry):
        # Blurred small and only around the object: a soft shadow needs no detail.
        pad = 6
        x0, y0, x1, y1 = (round(v) for v in self._p(cx - rx - pad, cy - ry - pad, cx + rx + pad, cy + ry + pad))
        box = (max(0, x0), max(0, y0), min(self.image.width, x1), min(self.image.height, y1))
        width, height = box[2] - box[0], box[3] - box[1]
        layer = Image.new("L", (width // 8, height // 8), 0)
        inset = self._p(pad)[0] / 8
        ImageDraw.Draw(layer).ellipse([inset, inset, layer.width - inset, layer.height - inset], fill=90)
        layer = layer.filter(ImageFilter.GaussianBlur(SIZE * SCALE / 480)).resize((width, height))
        self.image.paste((40, 30, 20), box, mask=layer)

    def jpeg(self) -> bytes:
        # Frame the still life tightly: the top of the wall is empty.
        side = SIZE * SCALE
        framed = self.image.crop((round(side * 0.08), round(side * 0.14), round(side * 0.92), round(side * 0.98)))
        out = framed.resize((SIZE, SIZE), Image.Resampling.BOX)
        buffer = io.BytesIO()
        out.save(buffer, "JPEG", quality=88)
        return buffer.getvalue()


def _jar(c, colour, rng):
    c.shadow(50, 82, 24, 5)
    c.rect(28, 35, 72, 84, fill=_lighter(colour, 0.15), radius=8)
    c.rect(31, 40, 69, 82, fill=colour, radius=6)
    c.rect(30, 26, 70, 37, fill=(200, 60, 40), radius=3)
    c.rect(36, 52, 64, 68, fill=(250, 244, 225), radius=2)
    c.line([(40, 58), (60, 58)], fill=_darker(colour, 0.2), width=0.5)
    c.line([(43, 63), (57, 63)], fill=_darker(colour, 0.2), width=0.4)


def _bottle(c, colour, rng):
    c.shadow(50, 86, 16, 4)
    c.rect(36, 40, 64, 87, fill=colour, radius=6)
    c.polygon([(36, 46), (44, 34), (56, 34), (64, 46)], fill=colour)
    c.rect(44, 22, 56, 36, fill=_lighter(colour, 0.1), radius=2)
    c.rect(43, 18, 57, 25, fill=(60, 60, 60), radius=2)
    c.rect(39, 55, 61, 72, fill=(250, 244, 225), radius=2)
    c.rect(40, 42, 44, 84, fill=_lighter(colour, 0.35), radius=2)


def _box(c, colour, rng):
    c.shadow(50, 80, 32, 6)
    c.polygon([(20, 40), (55, 30), (80, 38), (45, 50)], fill=_lighter(colour, 0.3))
    c.polygon([(20, 40), (45, 50), (45, 82), (20, 72)], fill=colour)
    c.polygon([(45, 50), (80, 38), (80, 70), (45, 82)], fill=_darker(colour, 0.15))
    c.polygon([(25, 50), (40, 56), (40, 68), (25, 62)], fill=(250, 244, 225))


def _bag(c, colour, rng, grains=None):
    c.shadow(50, 84, 28, 5)
    c.polygon([(26, 30), (74, 30), (78, 84), (22, 84)], fill=colour)
    c.rect(24, 24, 76, 33, fill=_darker(colour, 0.2), radius=2)
    c.rect(33, 45, 67, 68, fill=(250, 244, 225), radius=3)
    if grains:
        for _ in range(60):
            x, y = rng.uniform(36, 64), rng.uniform(48, 66)
            c.ellipse(x, y, x + 1.6, y + 0.9, fill=grains)


def _rice(c, colour, rng):
    _bag(c, (235, 225, 200), rng, grains=(250, 250, 245))
    c.rect(24, 70, 76, 76, fill=colour)


def _noodle(c, colour, rng):
    c.shadow(50, 80, 32, 6)
    for i in range(6):
        c.ellipse(18 + i * 1.2, 40 + i * 5, 82 - i * 1.2, 50 + i * 5, fill=_mix((245, 238, 215), colour, 0.1),
                  outline=_darker((245, 238, 215), 0.1), width=0.3)


def _shrimp(c, colour, rng):
    c.shadow(50, 80, 34, 7)
    c.ellipse(16, 60, 84, 84, fill=(240, 235, 225))
    for _ in range(9):
        cx, cy, r = rng.uniform(28, 72), rng.uniform(62, 74), rng.uniform(6, 9)
        points = [(cx + r * math.cos(a), cy - r * math.sin(a) * 0.9) for a in
                  [math.pi * k / 12 for k in range(0, 13)]]
        c.line(points, fill=_darker(colour, rng.uniform(0, 0.2)), width=0.9)
        c.ellipse(cx - r - 1.5, cy - 1.5, cx - r + 1.5, cy + 1.5, fill=_darker(colour, 0.3))


def _fish(c, colour, rng):
    c.shadow(50, 78, 36, 6)
    body = _mix(colour, (180, 170, 150), 0.5)
    c.ellipse(20, 45, 72, 70, fill=body)
    c.polygon([(68, 57), (84, 44), (84, 71)], fill=_darker(body, 0.15))
    c.ellipse(26, 52, 31, 57, fill=(30, 30, 30))
    c.line([(36, 50), (36, 66)], fill=_darker(body, 0.2), width=0.4)
    for x in range(42, 66, 6):
        c.line([(x, 50), (x + 3, 57), (x, 64)], fill=_lighter(body, 0.2), width=0.3)


def _squid(c, colour, rng):
    c.shadow(50, 82, 22, 5)
    body = (235, 215, 190)
    c.polygon([(50, 16), (64, 40), (60, 66), (40, 66), (36, 40)], fill=body)
    for x in range(40, 62, 4):
        c.line([(x, 64), (x + rng.uniform(-4, 4), 84)], fill=_darker(body, 0.1), width=0.8)


def _crab(c, colour, rng):
    c.shadow(50, 78, 34, 7)
    for side in (-1, 1):
        for k in range(3):
            c.line([(50 + side * 14, 62 + k * 3), (50 + side * 28, 66 + k * 5), (50 + side * 32, 76 + k * 3)],
                   fill=_darker(colour, 0.1), width=0.8)
        c.line([(50 + side * 12, 52), (50 + side * 24, 40)], fill=colour, width=1.2)
        c.ellipse(50 + side * 24 - 7, 30, 50 + side * 24 + 7, 44, fill=_darker(colour, 0.05))
    c.ellipse(30, 48, 70, 74, fill=colour)
    c.ellipse(42, 50, 46, 54, fill=(30, 30, 30))
    c.ellipse(54, 50, 58, 54, fill=(30, 30, 30))


def _shell(c, colour, rng):
    c.shadow(50, 80, 34, 7)
    for _ in range(10):
        x, y = rng.uniform(22, 66), rng.uniform(52, 70)
        c.ellipse(x, y, x + 13, y + 10, fill=(120, 100, 85), outline=(80, 65, 55), width=0.3)
        c.line([(x + 3, y + 3), (x + 10, y + 3)], fill=(90, 75, 60), width=0.2)


def _block(c, colour, rng):
    c.shadow(50, 80, 30, 6)
    for k, (x, y) in enumerate([(28, 56), (50, 58), (38, 44)]):
        c.ellipse(x, y, x + 22, y + 18, fill=_darker(colour, 0.05 * k), outline=_darker(colour, 0.25), width=0.3)


def _cake(c, colour, rng):
    c.shadow(50, 80, 34, 7)
    c.ellipse(14, 60, 86, 86, fill=(245, 245, 240))
    for x, y in [(26, 58), (48, 60), (36, 48)]:
        c.ellipse(x, y, x + 24, y + 16, fill=(225, 180, 110), outline=(190, 140, 80), width=0.4)
        c.ellipse(x + 9, y + 5, x + 15, y + 9, fill=(200, 60, 40))


def _candy(c, colour, rng):
    c.shadow(50, 80, 34, 7)
    for _ in range(12):
        x, y = rng.uniform(22, 68), rng.uniform(48, 74)
        c.rect(x, y, x + 12, y + 6, fill=_lighter(colour, rng.uniform(0.3, 0.6)), radius=1)
        c.polygon([(x, y), (x - 3, y - 1), (x - 3, y + 7), (x, y + 6)], fill=(250, 250, 250))
        c.polygon([(x + 12, y), (x + 15, y - 1), (x + 15, y + 7), (x + 12, y + 6)], fill=(250, 250, 250))


def _cloth(c, colour, rng):
    c.shadow(50, 80, 36, 6)
    c.rect(16, 48, 84, 80, fill=(30, 30, 30), radius=2)
    for y in range(50, 80, 6):
        c.line([(16, y), (84, y)], fill=(245, 245, 240), width=0.6)
    for x in range(18, 84, 6):
        c.line([(x, 48), (x, 80)], fill=(245, 245, 240), width=0.6)


def _basket(c, colour, rng):
    c.shadow(50, 84, 30, 6)
    straw = (205, 170, 110)
    c.line([(30, 48), (40, 24), (60, 24), (70, 48)], fill=_darker(straw, 0.3), width=1.6)
    c.polygon([(22, 46), (78, 46), (72, 84), (28, 84)], fill=straw)
    for y in range(50, 84, 5):
        c.line([(24, y), (76, y)], fill=_darker(straw, 0.2), width=0.4)
    for x in range(28, 76, 6):
        c.line([(x, 46), (x + 1, 84)], fill=_darker(straw, 0.15), width=0.3)


def _mat(c, colour, rng):
    straw = (205, 170, 110)
    c.shadow(50, 72, 40, 12)
    c.ellipse(12, 52, 88, 88, fill=straw)
    for k in range(1, 7):
        c.ellipse(12 + k * 5, 52 + k * 2.4, 88 - k * 5, 88 - k * 2.4, fill=None, outline=_darker(straw, 0.2),
                  width=0.3)


def _bowl(c, colour, rng):
    c.shadow(50, 82, 30, 6)
    c.ellipse(20, 44, 80, 60, fill=_lighter(colour, 0.5))
    c.polygon([(20, 52), (80, 52), (68, 80), (32, 80)], fill=(240, 240, 235))
    c.ellipse(20, 44, 80, 60, fill=(250, 250, 248))
    for _ in range(14):
        x, y = rng.uniform(28, 66), rng.uniform(45, 54)
        c.ellipse(x, y, x + 6, y + 4, fill=_lighter(colour, 0.4))


def _fruit(c, colour, rng):
    c.shadow(50, 80, 34, 7)
    for x, y, r in [(34, 60, 14), (60, 62, 13), (47, 46, 13)]:
        c.ellipse(x - r, y - r, x + r, y + r, fill=_mix(colour, (230, 140, 30), 0.6))
        c.ellipse(x - r / 2, y - r / 1.6, x - r / 4, y - r / 3, fill=_lighter((230, 140, 30), 0.5))
        c.line([(x, y - r), (x + 2, y - r - 4)], fill=(90, 70, 40), width=0.5)
        c.polygon([(x + 2, y - r - 3), (x + 9, y - r - 7), (x + 4, y - r - 1)], fill=(70, 140, 60))


def _plant(c, colour, rng):
    c.shadow(50, 86, 18, 4)
    c.polygon([(36, 66), (64, 66), (60, 86), (40, 86)], fill=(170, 90, 60))
    c.line([(50, 66), (50, 36)], fill=(100, 70, 40), width=1.0)
    for _ in range(18):
        x, y = rng.uniform(30, 70), rng.uniform(18, 52)
        c.ellipse(x - 6, y - 3, x + 6, y + 3, fill=_mix(colour, (40, 140, 60), rng.uniform(0.4, 0.9)))


def _flower(c, colour, rng):
    _plant(c, (60, 130, 70), rng)
    for _ in range(10):
        x, y = rng.uniform(32, 68), rng.uniform(20, 50)
        for a in range(5):
            angle = a * 2 * math.pi / 5
            px, py = x + 3 * math.cos(angle), y + 3 * math.sin(angle)
            c.ellipse(px - 2.2, py - 2.2, px + 2.2, py + 2.2, fill=(240, 190, 30))


def _sausage(c, colour, rng):
    c.shadow(50, 80, 32, 6)
    for k in range(5):
        y = 52 + k * 5
        c.rect(22 + k, y, 78 - k, y + 6, fill=_mix((180, 50, 40), colour, 0.3), radius=3)


def _house(c, colour, rng):
    c.rect(0, 70, 100, 100, fill=(70, 130, 170))
    for y in range(74, 100, 6):
        c.line([(5, y), (40, y + 1), (95, y)], fill=(140, 190, 215), width=0.3)
    c.polygon([(22, 44), (50, 26), (78, 44)], fill=(150, 90, 50))
    c.rect(26, 44, 74, 68, fill=(230, 210, 170))
    c.rect(45, 52, 55, 68, fill=(120, 80, 50))
    for x in (10, 86):
        c.line([(x, 70), (x + 2, 30)], fill=(110, 80, 50), width=0.8)
        for a in range(6):
            angle = math.pi * (0.1 + a * 0.16)
            c.line([(x + 2, 30), (x + 2 + 14 * math.cos(angle), 30 - 9 * math.sin(angle) + 8)],
                   fill=(60, 140, 60), width=0.6)


ART = {
    "jar": _jar,
    "bottle": _bottle,
    "box": _box,
    "rice": _rice,
    "noodle": _noodle,
    "shrimp": _shrimp,
    "fish": _fish,
    "squid": _squid,
    "crab": _crab,
    "shell": _shell,
    "block": _block,
    "cake": _cake,
    "candy": _candy,
    "cloth": _cloth,
    "basket": _basket,
    "mat": _mat,
    "bowl": _bowl,
    "fruit": _fruit,
    "plant": _plant,
    "flower": _flower,
    "sausage": _sausage,
    "house": _house,
}


def product_photo(art: str, colour: tuple[int, int, int], seed: int, variant: int = 0) -> bytes:
    """A square JPEG of `art`; `variant` changes the backdrop so a gallery does not repeat itself."""
    rng = random.Random(seed)
    backdrops = [((246, 240, 228), (214, 190, 150)), ((232, 240, 232), (150, 120, 90)),
                 ((240, 236, 244), (190, 170, 140))]
    wall, floor = backdrops[variant % len(backdrops)]
    canvas = Canvas(_mix(wall, colour, 0.08), floor)
    ART[art](canvas, colour, rng)
    return canvas.jpeg()


def shop_logo(colour: tuple[int, int, int], seed: int) -> bytes:
    rng = random.Random(seed)
    canvas = Canvas(_lighter(colour, 0.85), _lighter(colour, 0.85))
    canvas.ellipse(8, 8, 92, 92, fill=colour)
    canvas.ellipse(20, 20, 80, 80, fill=_lighter(colour, 0.7))
    # A rice stalk or a wave: the delta in one stroke.
    points = [(28 + k * 4, 58 - 10 * math.sin(k / 2 + rng.random())) for k in range(12)]
    canvas.line(points, fill=_darker(colour, 0.2), width=2)
    canvas.ellipse(44, 30, 56, 42, fill=_darker(colour, 0.1))
    return canvas.jpeg()


def shop_cover(colour: tuple[int, int, int], seed: int) -> bytes:
    """A wide river landscape: sky, far bank, palms, water."""
    rng = random.Random(seed)
    width, height = 1600 * SCALE, 600 * SCALE
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    sky, water = _lighter(colour, 0.75), (110, 160, 180)
    for y in range(height):
        t = y / height
        colour = _mix(sky, (255, 250, 235), t) if t < 0.55 else _mix(water, (70, 120, 140), t)
        draw.line([(0, y), (width, y)], fill=colour)
    bank = int(height * 0.55)
    for _ in range(22):
        x = rng.uniform(0, width)
        h = rng.uniform(0.1, 0.3) * height
        draw.line([(x, bank), (x + rng.uniform(-20, 20), bank - h)], fill=(90, 70, 50), width=8)
        for a in range(7):
            angle = math.pi * (0.05 + a * 0.15)
            draw.line([(x, bank - h), (x + 90 * math.cos(angle), bank - h - 50 * math.sin(angle) + 40)],
                      fill=(50, 120, 60), width=10)
    draw.rectangle([0, bank - 10, width, bank + 8], fill=(60, 110, 60))
    boat_x = rng.uniform(0.2, 0.7) * width
    draw.polygon([(boat_x, bank + 120), (boat_x + 300, bank + 120), (boat_x + 260, bank + 160),
                  (boat_x + 40, bank + 160)], fill=_darker(colour, 0.3))
    out = image.resize((1600, 600), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    out.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()
