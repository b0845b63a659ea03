// Rich-text editing for fields marked data-rich-text: paragraphs, lists, links,
// tables and pasting from a word processor. The server sanitises whatever arrives.
//
// The site's content security policy refuses style attributes (style-src-attr),
// on these pages as on every other. The editor is configured to write none:
// no placeholder, no "powered by" link, tables without a style attribute. The one
// it still writes while it builds its toolbar (a hidden focus helper) is applied
// through the CSS object model instead, which the policy allows to the site's
// own scripts: only while the editor is being built, and only for what the
// editor's code sets; markup, typed or pasted, never goes this way.
(function () {
  "use strict";

  function withStylesFromScript(build) {
    var setAttribute = Element.prototype.setAttribute;
    Element.prototype.setAttribute = function (name, value) {
      if (String(name).toLowerCase() === "style") {
        this.style.cssText = value;
        return undefined;
      }
      return setAttribute.apply(this, arguments);
    };
    try {
      return build();
    } finally {
      Element.prototype.setAttribute = setAttribute;
    }
  }

  function start() {
    if (typeof window.Jodit === "undefined") {
      return;
    }
    document.querySelectorAll("textarea[data-rich-text]").forEach(function (textarea) {
      var editor = withStylesFromScript(function () {
        return window.Jodit.make(textarea, {
          height: 420,
          toolbarAdaptive: false,
          buttons: [
            "paragraph", "bold", "italic", "underline", "|",
            "ul", "ol", "|", "link", "table", "|",
            "undo", "redo", "|", "eraser", "source"
          ],
          askBeforePasteHTML: false,
          askBeforePasteFromWord: false,
          defaultActionOnPaste: "insert_clear_html",
          showCharsCounter: false,
          showWordsCounter: true,
          showXPathInStatusbar: false,
          showPlaceholder: false,
          hidePoweredByJodit: true,
          // A new table gets no style attribute (Jodit's default is an inline border-collapse and width).
          createAttributes: {table: function () {}},
          spellcheck: true,
          iframe: false,
          useNativeTooltip: true,
          // The source view is a plain textarea: no editor fetched from another site.
          sourceEditor: "area",
          beautifyHTML: false
        });
      });
      // The editor copies its text into the field a moment after each keystroke: a form sent within that
      // moment would carry the text without its last keystrokes. It is copied when the form is sent, from the
      // editor's value itself (its synchronizeValues() is throttled: called right after a keystroke, it copies
      // nothing until the moment has passed, after the form has gone).
      if (textarea.form) {
        textarea.form.addEventListener("submit", function () {
          textarea.value = editor.value;
        }, true);
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
