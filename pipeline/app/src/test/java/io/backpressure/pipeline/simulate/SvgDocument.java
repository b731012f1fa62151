package io.backpressure.pipeline.simulate;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Parses an SVG with the JDK's XML parser (so it must be well-formed) and returns the titles of its paths. */
final class SvgDocument {
    private SvgDocument() {
    }

    static List<String> paths(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        if (!"svg".equals(doc.getDocumentElement().getLocalName())) {
            throw new AssertionError("root element is " + doc.getDocumentElement().getLocalName());
        }
        NodeList nodes = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "path");
        List<String> titles = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            Element path = (Element) nodes.item(i);
            titles.add(path.getTextContent().strip());
        }
        return titles;
    }
}
