"""User-supplied text on screen: shown as the characters typed, never as markup.

Streamlit renders markdown (with LaTeX, emoji and colour directives) in st.markdown, headers,
captions and expander labels. A planted `![x](http://host/p.png)` in a victim's name or a
recommendation made every viewer's browser fetch that address; `$$…$$` and `**…**` rendered
too. Every text that comes from data or from a form goes through `plain()` before it is placed
into such an element; tables (st.dataframe) and widget values never interpret markup.
"""

from __future__ import annotations

import re

#: every ASCII punctuation character markdown, GFM, remark-math or Streamlit's directives
#: (`:red[…]`, `:material/…:`) give a meaning to; CommonMark lets a backslash escape each
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|$~:&=^\"'@%])")


def plain(text: object) -> str:
    r"""`text` escaped for Streamlit's markdown; line breaks kept as line breaks.

    >>> print(plain("![x](http://h/p.png) $$x$$ **b**"))
    \!\[x\]\(http\://h/p\.png\) \$\$x\$\$ \*\*b\*\*
    """
    if text is None:
        return ""
    escaped = _SPECIAL.sub(r"\\\1", str(text))
    return "  \n".join(escaped.splitlines())
