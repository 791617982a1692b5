package dev.grpcconnector.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link HeaderValues}: the characters that could smuggle a header or a request line. */
class HeaderValuesTest {

    @ParameterizedTest
    @ValueSource(strings = {"a\rb", "a\nb", "a\0b", "\r", "\n", "\0", "value\r\nX-Injected: 1", "end\n"})
    void forbiddenCharacters(String value) {
        assertTrue(HeaderValues.hasForbiddenChar(value));
        assertTrue(HeaderValues.hasForbiddenChar(new StringBuilder(value)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "plain", "with space", "tab\there", "ünïcödé", "\u007f", "\u0001\u001f", "a;b=c, d",
        "\u2028\u0085"})
    void allowedCharacters(String value) {
        assertFalse(HeaderValues.hasForbiddenChar(value));
    }

    @Test
    void everyCharacterBelow256() {
        for (char c = 0; c < 256; c++) {
            assertEquals(c == '\r' || c == '\n' || c == '\0', HeaderValues.hasForbiddenChar("x" + c + "y"), "char " + (int) c);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "PATCH", "POST", "M-SEARCH", "PROPFIND", "get", "X!#$%&'*+-.^_`|~0"})
    void tokens(String method) {
        assertTrue(HeaderValues.isToken(method));
    }

    @ParameterizedTest
    @ValueSource(strings = {"GE T", "", " GET", "GET ", "GET\r", "GET\n", "G(ET)", "GET/", "GÉT", "a,b", "a:b", "\"q\"",
        "a\tb", "{}"})
    void notTokens(String method) {
        assertFalse(HeaderValues.isToken(method));
    }

    @Test
    void tokenCharactersAreExactlyRfc9110Tchar() {
        String tchar = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        for (char c = 0; c < 256; c++) {
            assertEquals(tchar.indexOf(c) >= 0, HeaderValues.isToken(String.valueOf(c)), "char " + (int) c);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a?b=c", "*", "/", "/a/b/c", "/%20", "/a?b=c&d=%E2%82%AC#frag", "/ü", "//double", "/~user"})
    void requestTargets(String target) {
        assertTrue(HeaderValues.isRequestTarget(target));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "/a b", "/a\r", "", "/a\n", "/a\0", "/a\tb", "/a\u007f", "**", "*a",
        "http://example.com/", "example.com:443", " /a", "?q"})
    void notRequestTargets(String target) {
        assertFalse(HeaderValues.isRequestTarget(target));
    }

    @Test
    void requestTargetRefusesEveryControlCharacterSpaceAndDel() {
        for (char c = 0; c < 256; c++) {
            boolean allowed = c > 0x20 && c != 0x7f;
            assertEquals(allowed, HeaderValues.isRequestTarget("/x" + c), "char " + (int) c);
        }
    }
}
