// SPDX-License-Identifier: MIT
#pragma once

// Test support: a tiny HTTP/1.1 server on 127.0.0.1 for download tests. Serves in-memory files with Range support
// (206), redirects (with extra headers, like Hugging Face's X-Linked-Etag on its resolve/ redirect) and 404; can
// drop the connection after N body bytes, or stall (send N bytes, then nothing) to test resume and cancel.
// Runs in the test's event loop: drive clients with QSignalSpy::wait / QTRY_* or a local event loop.

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>

#include <memory>

namespace clipfind::test {

/// Downloads in tests go straight to 127.0.0.1: proxy variables of the machine running the tests must not apply.
inline void bypassProxies()
{
    for (const char *name : {"http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"}) {
        qunsetenv(name);
    }
}

class LocalHttpServer
{
public:
    struct Request {
        QByteArray path;
        QByteArray range; // the Range header, empty if none
    };

    bool start() { return m_server.listen(QHostAddress::LocalHost); }
    quint16 port() const { return m_server.serverPort(); }
    QString url(const QString &path) const { return QStringLiteral("http://127.0.0.1:%1%2").arg(port()).arg(path); }

    void addFile(const QByteArray &path, const QByteArray &content, const QList<QByteArray> &extraHeaders = {})
    {
        m_routes[path] = Route{Route::File, content, {}, extraHeaders};
    }
    void addRedirect(const QByteArray &path, const QByteArray &location, const QList<QByteArray> &extraHeaders = {})
    {
        m_routes[path] = Route{Route::Redirect, {}, location, extraHeaders};
    }
    /// The next `times` full or ranged responses for `path` close the connection after `bytes` body bytes.
    void dropAfter(const QByteArray &path, qint64 bytes, int times = 1)
    {
        m_routes[path].dropAfter = bytes;
        m_routes[path].dropTimes = times;
    }
    /// Every response for `path` sends `bytes` body bytes and then nothing, keeping the connection open.
    void stallAfter(const QByteArray &path, qint64 bytes) { m_routes[path].stallAfter = bytes; }
    /// Responses for `path` carry no Content-Length: the body ends when the connection closes (a server that does not
    /// say how much it will send).
    void omitLength(const QByteArray &path) { m_routes[path].omitLength = true; }

    const QList<Request> &requests() const { return m_requests; }
    QList<Request> requestsFor(const QByteArray &path) const
    {
        QList<Request> out;
        for (const Request &r : m_requests) {
            if (r.path == path) {
                out << r;
            }
        }
        return out;
    }

    LocalHttpServer()
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                auto buffer = std::make_shared<QByteArray>();
                QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer] {
                    buffer->append(socket->readAll());
                    const int end = buffer->indexOf("\r\n\r\n");
                    if (end >= 0) {
                        respond(socket, buffer->left(end));
                        buffer->clear();
                    }
                });
                QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }

private:
    struct Route {
        enum Kind { File, Redirect } kind = File;
        QByteArray content;
        QByteArray location;
        QList<QByteArray> extraHeaders;
        qint64 dropAfter = -1;
        int dropTimes = 0;
        qint64 stallAfter = -1;
        bool omitLength = false;
    };

    static void send(QTcpSocket *socket, const QByteArray &statusLine, const QList<QByteArray> &headers,
                     const QByteArray &body, qint64 contentLength)
    {
        QByteArray head = "HTTP/1.1 " + statusLine + "\r\n";
        for (const QByteArray &header : headers) {
            head += header + "\r\n";
        }
        if (contentLength >= 0) {
            head += "Content-Length: " + QByteArray::number(contentLength) + "\r\n";
        }
        head += "Connection: close\r\n\r\n";
        socket->write(head);
        socket->write(body);
    }

    void respond(QTcpSocket *socket, const QByteArray &head)
    {
        const QList<QByteArray> lines = head.split('\n');
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        Request request;
        request.path = requestLine.value(1);
        for (const QByteArray &line : lines.mid(1)) {
            const int colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().toLower() == "range") {
                request.range = line.mid(colon + 1).trimmed();
            }
        }
        m_requests << request;
        const auto it = m_routes.find(request.path);
        if (it == m_routes.end()) {
            send(socket, "404 Not Found", {"Content-Type: text/plain"}, "Entry not found", 15);
            socket->disconnectFromHost();
            return;
        }
        Route &route = it.value();
        if (route.kind == Route::Redirect) {
            send(socket, "302 Found", QList<QByteArray>{"Location: " + route.location} + route.extraHeaders, {}, 0);
            socket->disconnectFromHost();
            return;
        }
        const qint64 size = route.content.size();
        qint64 first = 0;
        QByteArray status = "200 OK";
        QList<QByteArray> headers = route.extraHeaders;
        headers << "Accept-Ranges: bytes";
        if (request.range.startsWith("bytes=") && request.range.endsWith('-')) {
            first = request.range.mid(6, request.range.size() - 7).toLongLong();
            if (first >= size) {
                send(socket, "416 Range Not Satisfiable", {"Content-Range: bytes */" + QByteArray::number(size)}, {},
                     0);
                socket->disconnectFromHost();
                return;
            }
            status = "206 Partial Content";
            headers << "Content-Range: bytes " + QByteArray::number(first) + '-' + QByteArray::number(size - 1) + '/'
                           + QByteArray::number(size);
        }
        QByteArray body = route.content.mid(first);
        const qint64 length = route.omitLength ? -1 : body.size();
        if (route.stallAfter >= 0) {
            send(socket, status, headers, body.left(route.stallAfter), length);
            m_stalled << socket; // keep it open, send nothing more
            return;
        }
        if (route.dropTimes > 0) {
            --route.dropTimes;
            send(socket, status, headers, body.left(route.dropAfter), length);
            socket->disconnectFromHost(); // after the partial body: the client sees a short read
            return;
        }
        send(socket, status, headers, body, length);
        socket->disconnectFromHost();
    }

    QTcpServer m_server;
    QHash<QByteArray, Route> m_routes;
    QList<Request> m_requests;
    QList<QPointer<QTcpSocket>> m_stalled;
};

} // namespace clipfind::test
