"""What a page shows a reader, from its HTML: visible text, title, heading, breadcrumbs, links,
buttons and the home page's steps. Enough to assert what a user sees without a browser."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
HIDDEN = {"script", "style", "template", "head"}
# Elements that start on a new line: their text never runs into the text around them.
BLOCKS = {
    "p",
    "div",
    "li",
    "td",
    "th",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "header",
    "footer",
    "nav",
    "main",
    "dt",
    "dd",
    "ul",
    "ol",
    "table",
    "form",
    "button",
    "option",
    "label",
    "figcaption",
}


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Link:
    text: str
    href: str


@dataclass
class Step:
    text: str
    action: str
    href: str
    urgent: bool


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str]
    buttons: list[str]


@dataclass
class _Open:
    tag: str
    attrs: dict
    text: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[_Open] = []
        self.text: list[str] = []
        self.prose: list[str] = []  # the visible text without help under form fields
        self.title = ""
        self.h1: list[str] = []
        self.crumbs: list[list[str]] = []
        self.crumb_links: list[list[Link]] = []
        self.links: list[Link] = []
        self.buttons: list[str] = []
        self.forms: list[Form] = []
        self.steps: list[Step] = []
        self._step: dict | None = None

    def _classes(self, attrs: dict) -> set[str]:
        return set((attrs.get("class") or "").split())

    def _inside(self, tag: str, css: str | None = None) -> _Open | None:
        for item in reversed(self.stack):
            if item.tag == tag and (css is None or css in self._classes(item.attrs)):
                return item
        return None

    def _hidden(self) -> bool:
        return any(
            item.tag in HIDDEN or "visually-hidden" in self._classes(item.attrs)
            for item in self.stack
        )

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "br" or tag in BLOCKS:
            self.handle_data(" ")
        if tag == "form":
            self.forms.append(
                Form(
                    action=attrs.get("action") or "",
                    method=(attrs.get("method") or "get").lower(),
                    fields={},
                    buttons=[],
                )
            )
        sent = attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs
        if tag == "input" and self._inside("form") and self.forms and sent:
            self.forms[-1].fields[attrs.get("name") or ""] = attrs.get("value") or ""
        if tag == "option" and self.forms and (select := self._inside("select")):
            # A browser sends the selected option, or the first one.
            name = select.attrs.get("name") or ""
            if name not in self.forms[-1].fields or "selected" in attrs:
                self.forms[-1].fields[name] = attrs.get("value") or ""
        if tag == "nav" and "breadcrumbs" in self._classes(attrs):
            self.crumbs.append([])
            self.crumb_links.append([])
        if tag == "li" and "step" in self._classes(attrs):
            self._step = {"urgent": "is-urgent" in self._classes(attrs)}
        if tag not in VOID:
            self.stack.append(_Open(tag, attrs))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if tag in BLOCKS:
            self.handle_data(" ")
        while self.stack:
            item = self.stack.pop()
            text = squeeze("".join(item.text))
            self._close(item, text)
            # A heading's count ("Programs (12)") is not part of its name.
            if self.stack and "count" not in self._classes(item.attrs):
                self.stack[-1].text.append("".join(item.text))
            if item.tag == tag:
                break

    def _close(self, item: _Open, text: str) -> None:
        if item.tag == "title" and not self.title and self._inside("head"):
            self.title = text  # the document's, not an SVG chart's
        elif item.tag == "h1":
            self.h1.append(text)
        elif item.tag == "a":
            link = Link(text, item.attrs.get("href") or "")
            self.links.append(link)
            if self._inside("nav", "breadcrumbs") and self.crumb_links:
                self.crumb_links[-1].append(link)
            if self._step is not None:
                self._step.update(action=text, href=link.href)
        elif item.tag == "button":
            self.buttons.append(text)
            if self._inside("form") and self.forms:
                self.forms[-1].buttons.append(text)
        elif item.tag == "li" and self._inside("nav", "breadcrumbs") and self.crumbs:
            self.crumbs[-1].append(text)
        elif (
            item.tag == "p" and "step-text" in self._classes(item.attrs) and self._step is not None
        ):
            self._step["text"] = text
        elif item.tag == "li" and "step" in self._classes(item.attrs) and self._step is not None:
            self.steps.append(
                Step(
                    text=self._step.get("text", ""),
                    action=self._step.get("action", ""),
                    href=self._step.get("href", ""),
                    urgent=self._step["urgent"],
                )
            )
            self._step = None

    def handle_data(self, data):
        if self.stack:
            # Hidden text still names its element (a link's accessible name), not the page.
            self.stack[-1].text.append(data)
        if not self._hidden():
            self.text.append(data)
            if not any("help" in self._classes(item.attrs) for item in self.stack):
                self.prose.append(data)


class Page:
    """A rendered page as a reader sees it."""

    def __init__(self, response):
        self.status = response.status_code
        self.html = response.get_data(as_text=True)
        reader = _Reader()
        reader.feed(self.html)
        reader.close()
        self.text = squeeze("".join(reader.text))
        self.prose = squeeze("".join(reader.prose))
        self.title = reader.title
        self.h1 = reader.h1[0] if reader.h1 else ""
        self.crumbs = reader.crumbs[0] if reader.crumbs else []
        self.crumb_links = reader.crumb_links[0] if reader.crumb_links else []
        self.links = reader.links
        self.buttons = reader.buttons
        self.forms = reader.forms
        self.steps = reader.steps

    def link(self, text: str) -> Link:
        """The first link whose text contains ``text``."""
        found = [link for link in self.links if text in link.text]
        assert found, f"no link {text!r} among {[link.text for link in self.links]}"
        return found[0]

    def has_link(self, text: str, href: str | None = None) -> bool:
        return any(text in link.text and (href is None or link.href == href) for link in self.links)

    def step(self, text: str) -> Step:
        """The step whose sentence contains ``text``."""
        found = [step for step in self.steps if text in step.text]
        assert found, f"no step {text!r} among {[step.text for step in self.steps]}"
        return found[0]

    def form_with_button(self, text: str) -> Form:
        found = [form for form in self.forms if any(text in b for b in form.buttons)]
        assert found, f"no form with a button {text!r}: {[f.buttons for f in self.forms]}"
        return found[0]
