"""The accessibility statement (Erklärung zur Barrierefreiheit) as public bodies publish it.

Served as a plain server-rendered page: it must be readable even where scripts fail.
"""

from __future__ import annotations

from html import escape

from flask import Flask, Response

STATEMENT_DATE = "25.11.2026"

_PAGE = """<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Erklärung zur Barrierefreiheit – Netzwerk Kriminalprävention vor Ort</title>
<link rel="stylesheet" href="{css}">
</head>
<body>
<a class="skip-link" href="#inhalt">Zum Inhalt springen</a>
<header class="site"><div>
<p><a href="{home}">Netzwerk Kriminalprävention vor Ort – Abdeckungskarte</a></p>
</div></header>
<main id="inhalt" class="statement">
<h1>Erklärung zur Barrierefreiheit</h1>
<p>Der Landespräventionsrat Brandenburg ist bemüht, die Abdeckungskarte des Netzwerks Kriminalprävention
vor Ort im Einklang mit dem Brandenburgischen Behindertengleichstellungsgesetz (BbgBGG) und der
Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) barrierefrei zugänglich zu machen. Diese Erklärung
gilt für die Anwendung unter dieser Adresse einschließlich der eingebetteten Kartenansicht.</p>

<h2>Stand der Vereinbarkeit mit den Anforderungen</h2>
<p>Die Anwendung ist mit den Anforderungen der BITV 2.0 (WCAG 2.1, Stufe AA) <strong>weitgehend
vereinbar</strong>. Die folgenden Inhalte sind nicht vollständig barrierefrei:</p>
<ul>
<li>Die Karte selbst ist eine Grafik. Alle Informationen der Karte stehen zusätzlich als Text zur
Verfügung: als Zusammenfassung unter der Karte (wird bei jeder Änderung vorgelesen) und als Tabelle
»Karte als Tabelle«, über die sich jede Region auch per Tastatur auswählen lässt.</li>
<li>Das Verschieben und Vergrößern der Karte ist nur mit Maus oder Touch möglich. Die Auswahl eines
Kreises, die Gemeindesuche und die Tabelle bieten dieselben Funktionen per Tastatur.</li>
<li>Die Status-Farben sind für Farbsehschwächen (Deuteranopie, Protanopie, Tritanopie) geprüft; der Status
steht zusätzlich als Text in Legende, Tooltip, Detailansicht und Tabelle.</li>
</ul>

<h2>Erstellung dieser Erklärung</h2>
<p>Diese Erklärung wurde am {date} erstellt. Grundlage ist eine Selbstbewertung: automatisierte Prüfungen
mit axe-core auf allen Seiten und der eingebetteten Ansicht sowie Tests der Bedienung allein mit der
Tastatur, die bei jeder Änderung der Anwendung laufen.</p>

<h2>Feedback und Kontakt</h2>
<p>Sind Ihnen Mängel beim barrierefreien Zugang aufgefallen? Wenden Sie sich bitte an die Geschäftsstelle
des Landespräventionsrates Brandenburg, Ministerium des Innern und für Kommunales,
Henning-von-Tresckow-Straße 9–13, 14467 Potsdam.</p>

<h2>Schlichtungsverfahren</h2>
<p>Wenn Sie auf Ihre Rückmeldung keine zufriedenstellende Antwort erhalten, können Sie sich an die
Schlichtungsstelle nach dem Brandenburgischen Behindertengleichstellungsgesetz (BbgBGG) wenden. Das
Verfahren ist kostenlos; Sie brauchen keinen Rechtsbeistand.</p>
</main>
<footer class="site"><p><a href="{home}">Zurück zur Abdeckungskarte</a></p></footer>
</body>
</html>
"""


def register_statement_route(server: Flask, url_for) -> None:
    """Serve the statement at ``/barrierefreiheit``; ``url_for`` maps app paths to URLs (prefix aware)."""

    @server.route("/barrierefreiheit")
    def accessibility_statement() -> Response:
        page = _PAGE.format(
            css=escape(url_for("/assets/style.css")), home=escape(url_for("/")), date=STATEMENT_DATE
        )
        return Response(page, mimetype="text/html")
