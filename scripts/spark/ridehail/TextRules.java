package ridehail;

import java.text.Normalizer;

/** Text rules Spark SQL lacks, called through java_method (macros/cross_engine.sql). */
public final class TextRules {
    private TextRules() {
    }

    /** Unicode canonical composition (NFC) of a text; null stays null. */
    public static String nfc(String text) {
        return text == null ? null : Normalizer.normalize(text, Normalizer.Form.NFC);
    }
}
