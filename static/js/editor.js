// Rich-text editing for fields marked data-rich-text: paragraphs, lists, links,
// tables and pasting from a word processor. The server sanitises whatever arrives.
(function () {
  "use strict";
  function start() {
    if (typeof window.Jodit === "undefined") {
      return;
    }
    document.querySelectorAll("textarea[data-rich-text]").forEach(function (textarea) {
      window.Jodit.make(textarea, {
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
        spellcheck: true,
        iframe: false,
        useNativeTooltip: true,
        // The source view is a plain textarea: no editor fetched from another site.
        sourceEditor: "area",
        beautifyHTML: false
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
