"""The certificates batch, measured in a process of its own: ``python -m bench.paper
--certificates 500 DIR`` renders that many certificates (prepared rows, a seal, one QR code
each) into DIR/certificates.pdf as a festival's batch is built (paper.render
.write_certificates: chunks of 50 joined with pypdf) and prints one JSON line: the seconds,
the resident memory before and at its peak (as bench.memory measures it), the pages and
the file's size."""

import argparse
import gc
import io
import json
import time
from pathlib import Path

from bench.memory import peak_mb, reset_peak, resident_mb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.paper")
    parser.add_argument("--certificates", type=int, default=500)
    parser.add_argument("directory", type=Path)
    args = parser.parse_args(argv)

    from PIL import Image
    from pypdf import PdfReader

    from festival import create_app
    from festival.paper.render import Sheet, write_certificates

    app = create_app(
        {"SECRET_KEY": "bench-paper", "SQLALCHEMY_DATABASE_URI": "sqlite://"},
        instance_path=str(args.directory),
    )
    seal = io.BytesIO()
    Image.new("RGBA", (400, 400), (200, 20, 20, 180)).save(seal, format="PNG")
    tiers = ("一等奖", "二等奖", "三等奖", "优秀奖")
    sheets = [
        Sheet(
            number=f"2026-0001-{index:05d}",
            recipient=f"第{index}老年艺术团",
            program_title=f"夕阳红之歌第{index}号",
            tier=tiers[index % len(tiers)],
            award_title="最佳编排奖" if index % 7 == 0 else "",
            category="舞蹈",
            festival_name="首届南通市老年特色文化艺术节",
            issuer="南通市老龄工作委员会办公室",
            issued_on="二〇二六年六月二十二日",
            signatory="王建国",
            verify_url=f"https://festival.example.cn/certificates/2026-0001-{index:05d}/verify",
        )
        for index in range(1, args.certificates + 1)
    ]
    target = args.directory / "certificates.pdf"
    with app.app_context():
        gc.collect()
        peak_before = peak_mb()
        was_reset = reset_peak()
        baseline = resident_mb()
        started = time.perf_counter()
        write_certificates(sheets, seal.getvalue(), target)
        seconds = time.perf_counter() - started
    peak = peak_mb()
    pages = len(PdfReader(target).pages)
    print(
        json.dumps(
            {
                "certificates": args.certificates,
                "pages": pages,
                "seconds": round(seconds, 2),
                "baseline_mb": round(baseline, 1),
                "peak_mb": round(peak, 1),
                "growth_mb": round(
                    peak - (baseline if was_reset else max(baseline, peak_before)), 1
                ),
                "size_mb": round(target.stat().st_size / 2**20, 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
