// SPDX-License-Identifier: MIT
#pragma once

// Test support: running the clipfind-cli executable (CLIPFIND_CLI) as a child process.

#include <QByteArray>
#include <QProcess>
#include <QSignalSpy>
#include <QStringList>

namespace clipfind::test {

struct CliRun {
    int exitCode = -1; ///< -1 when it crashed or did not finish
    QByteArray out;
    QByteArray err;
};

/// Runs clipfind-cli with `arguments` in `environment` and waits up to five minutes. This thread's event loop keeps
/// running meanwhile, so a test's in-process server (e.g. a local HTTP server) can answer the child.
inline CliRun runCli(const QStringList &arguments,
                     const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    process.setProcessEnvironment(environment);
    QSignalSpy finished(&process, &QProcess::finished);
    process.start(QStringLiteral(CLIPFIND_CLI), arguments);
    CliRun run;
    if (!finished.wait(300000)) {
        process.kill();
        process.waitForFinished();
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

} // namespace clipfind::test
