#!/usr/bin/env python3
"""pdf_check.py: looks at a PDF plot. Checks the header and trailer, that
it has one page of the size asked for (points, to 0.01), and that every
font is embedded: each font descriptor carries its font program (FontFile,
FontFile2 or FontFile3) and no Type 3 (drawn) font stands in for text.
Usage: pdf_check.py FILE.pdf WIDTH_PT HEIGHT_PT
Prints 'pdf: ok W x H pt, N fonts embedded' or why not, exits 0/1."""
import re, sys

def main(argv):
    path, want_w, want_h = argv[0], float(argv[1]), float(argv[2])
    data = open(path, "rb").read()
    if not data.startswith(b"%PDF-1."):
        print("pdf: %s: no PDF header" % path); return 1
    if b"%%EOF" not in data[-64:]:
        print("pdf: %s: no %%%%EOF at the end (truncated?)" % path); return 1
    boxes = re.findall(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]", data)
    pages = re.findall(rb"/Type\s*/Page\b", data)
    if len(pages) != 1 or not boxes:
        print("pdf: %s: %d pages, %d media boxes; expected one page" % (path, len(pages), len(boxes))); return 1
    x0, y0, x1, y1 = (float(v) for v in boxes[0])
    w, h = x1 - x0, y1 - y0
    if abs(w - want_w) > 0.01 or abs(h - want_h) > 0.01:
        print("pdf: %s is %.2f x %.2f pt, expected %.2f x %.2f" % (path, w, h, want_w, want_h)); return 1
    # object dictionaries: "N 0 obj << ... >>" up to "endobj"
    objs = re.findall(rb"\d+\s+0\s+obj(.*?)endobj", data, re.S)
    descs = [o for o in objs if re.search(rb"/Type\s*/FontDescriptor", o)]
    fonts = [o for o in objs if re.search(rb"/Type\s*/Font\b", o)]
    if not descs:
        print("pdf: %s: no font descriptor (text drawn as paths?)" % path); return 1
    for o in descs:
        if not re.search(rb"/FontFile[23]?\s+\d+\s+0\s+R", o):
            name = re.search(rb"/FontName\s*/(\S+)", o)
            print("pdf: %s: font %s is not embedded" % (path, name.group(1).decode() if name else "?")); return 1
    for o in fonts:
        if re.search(rb"/Subtype\s*/Type3", o):
            print("pdf: %s: a Type 3 font stands in for text" % path); return 1
    print("pdf: ok %.2f x %.2f pt, %d fonts embedded" % (w, h, len(descs)))
    return 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
