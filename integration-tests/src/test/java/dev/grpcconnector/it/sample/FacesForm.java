package dev.grpcconnector.it.sample;

import dev.grpcconnector.it.sample.Transport.Reply;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Faces form read from a page's HTML, as a browser reads it: its action, the current
 * value of each text and hidden input (including {@code jakarta.faces.ViewState}) and its
 * submit buttons. {@link #submit} posts it as the browser does when a button is clicked.
 */
public final class FacesForm {

    private static final Pattern INPUT = Pattern.compile("<input\\b([^>]*)>");
    private static final Pattern ATTRIBUTE = Pattern.compile("([a-zA-Z:_-]+)=\"([^\"]*)\"");

    private final String action;
    private final Map<String, String> fields = new LinkedHashMap<>();
    private final List<String> buttons = new ArrayList<>();

    private FacesForm(String action) {
        this.action = action;
    }

    /** The form with {@code id} on the page. */
    public static FacesForm read(Reply page, String id) {
        String html = page.text();
        Matcher start = Pattern.compile("<form\\b[^>]*\\bid=\"" + Pattern.quote(id) + "\"[^>]*>").matcher(html);
        assertTrue(start.find(), () -> "no form " + id + " on the page: " + page);
        int end = html.indexOf("</form>", start.end());
        Map<String, String> formAttributes = attributes(start.group());
        FacesForm form = new FacesForm(unescape(formAttributes.get("action")));
        Matcher input = INPUT.matcher(html.substring(start.end(), end));
        while (input.find()) {
            Map<String, String> a = attributes(input.group(1));
            String name = a.get("name");
            if (name == null) {
                continue;
            }
            if ("submit".equals(a.get("type"))) {
                form.buttons.add(name);
            } else {
                form.fields.put(name, unescape(a.getOrDefault("value", "")));
            }
        }
        assertNotNull(form.fields.get("jakarta.faces.ViewState"), () -> "form " + id + " has no ViewState: " + page);
        return form;
    }

    /** The value an input has on the page. */
    public String value(String name) {
        return fields.get(name);
    }

    /** The names of the form's submit buttons, in page order. */
    public List<String> buttons() {
        return List.copyOf(buttons);
    }

    /** Posts the form as if {@code button} was clicked, after setting the given name, value pairs. */
    public Reply submit(Browser browser, String button, String... values) {
        assertTrue(buttons.contains(button), () -> "no button " + button + " in " + buttons);
        Map<String, String> post = new LinkedHashMap<>(fields);
        for (int i = 0; i + 1 < values.length; i += 2) {
            assertTrue(post.containsKey(values[i]), "no input " + values[i] + " in " + post.keySet());
            post.put(values[i], values[i + 1]);
        }
        post.put(button, "clicked");
        List<String> pairs = new ArrayList<>();
        post.forEach((k, v) -> {
            pairs.add(k);
            pairs.add(v);
        });
        return browser.postForm(action, pairs.toArray(String[]::new));
    }

    private static Map<String, String> attributes(String tag) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = ATTRIBUTE.matcher(tag);
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }

    static String unescape(String s) {
        return s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }
}
