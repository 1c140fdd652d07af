"""Bar charts as inline SVG, drawn on the server: no chart library, no CDN, readable without JavaScript.

Each chart carries a title and description for assistive technology; the dashboard also shows the numbers in
a table, which is what a screen reader should read.
"""

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, PAD = 720, 180, 24


def bar_chart(*, title: str, labels: list[str], values: list[int], css_class: str = "") -> SafeString:
    top = max(values, default=0) or 1
    slot = (WIDTH - PAD) / max(len(values), 1)
    bars = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        height = (HEIGHT - 2 * PAD) * value / top
        x = PAD + i * slot + slot * 0.1
        y = HEIGHT - PAD - height
        bars.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>',
                f"{x:.1f}",
                f"{y:.1f}",
                f"{slot * 0.8:.1f}",
                f"{height:.1f}",
                label,
                value,
            )
        )
    axis = format_html(
        '<text x="{}" y="{}" class="chart-axis">{}</text><text x="{}" y="{}" class="chart-axis">{}</text>'
        '<text x="{}" y="{}" class="chart-axis" text-anchor="end">{}</text>',
        PAD, HEIGHT - 6, labels[0] if labels else "", WIDTH, HEIGHT - 6, labels[-1] if labels else "",
        WIDTH, 14, f"max {top:,}",
    )  # fmt: skip
    slug = escape(title.lower().replace(" ", "-"))
    # Every piece above is escaped (format_html, escape); the numbers are ours.
    return mark_safe(
        f'<svg class="stats-chart {escape(css_class)}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="chart-{slug}-title" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="chart-{slug}-title">{escape(title)}</title>'
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH}" y2="{HEIGHT - PAD}" class="chart-base"/>'
        f"{''.join(bars)}{axis}</svg>"
    )
