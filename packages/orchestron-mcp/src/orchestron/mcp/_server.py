"""The MCP server: one process, one agent session, over the project's store.

`OrchestronServer` is the SDK's `MCPServer` with three things added: the
project is opened in the lifespan (and the session ended when it closes),
every tool failure becomes a message that says how to fix it, and unread words
from people ride on every tool reply.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
from attrs import frozen
from mcp_types import CallToolResult, InputRequiredResult, TextContent
from mcp_types import Tool as MCPTool
from pydantic import ValidationError

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from orchestron.core import Orchestron
from orchestron.core.errors import OrchestronError
from orchestron.mcp._budget import shape
from orchestron.mcp._channel import ChannelPusher, attach_on_initialized, project_wants_channel
from orchestron.mcp._errors import bounded, describe_validation, tool_error, unknown_arguments
from orchestron.mcp._identity import AgentSession
from orchestron.mcp._messages import message_block
from orchestron.mcp._schema import compact_schema

__all__ = ["Call", "Ctx", "OrchestronServer", "ServerOptions", "begin", "current"]

log = logging.getLogger("orchestron.mcp")

Ctx = Context[AgentSession, Any]

CHANNEL_CAPABILITY = "claude/channel"

INSTRUCTIONS = """\
Orchestron holds this project's tasks (dependencies, sprints, checkpoints), your
session memory (context, handoff) and a channel to the human.
Start with `resume` (or `task_next` to pick and claim the best ready task).
Report progress with `task_update`, finish with `task_complete`. Before you stop,
`context_save` then `handoff` action=prepare. Ask a person with `ask_human`.
Shared memory: `remember` decisions others must know, `recall` before you decide.
Messages from a person arrive at the end of any tool reply: act on them first."""

Opener = Callable[[], AbstractAsyncContextManager[Orchestron]]

BARE_REPLY_TOOLS = frozenset({"hook"})
"""Tools whose reply is read by a program (Claude Code's hooks), not a model: no
messages ride on it, or its JSON would not parse and the words would be lost."""


@frozen
class ServerOptions:
    """How to open the project and who this process is.

    `opener` replaces the store opening (tests pass one over the in-memory
    fakes); by default the project is opened through `orchestron.runtime`.
    """

    db: str | None = None
    cwd: Path | None = None
    agent: str | None = None
    session_id: str | None = None
    opener: Opener | None = None
    channel: bool | None = None
    """Push people's messages as `claude/channel` events; None: ORCHESTRON_CHANNEL or
    `[hooks] channel` in the project config (see `_channel`)."""


def _default_opener(options: ServerOptions) -> Opener:
    def opener() -> AbstractAsyncContextManager[Orchestron]:
        from orchestron.runtime import open_orchestron

        # A database named explicitly is created on first use; found ones must exist.
        return open_orchestron(
            options.db, cwd=options.cwd, actor="orchestron-mcp", create=options.db is not None
        )

    return opener


@asynccontextmanager
async def _lifespan(server: MCPServer[AgentSession]) -> AsyncIterator[AgentSession]:
    assert isinstance(server, OrchestronServer)
    options = server.options
    opener = options.opener or _default_opener(options)
    async with AsyncExitStack() as stack:
        try:
            orch: Orchestron | None = await stack.enter_async_context(opener())
            error = None
        except OrchestronError as exc:
            orch, error = None, f"cannot open the Orchestron project: {exc.message}"
            log.warning("%s", error)
        except Exception as exc:  # a broken store must not kill the server: every call says why
            orch, error = None, f"cannot open the Orchestron project: {type(exc).__name__}: {exc}"
            log.exception("cannot open the Orchestron project")
        state = AgentSession(
            orch=orch,
            open_error=error,
            agent_hint=options.agent,
            external_session=options.session_id,
        )
        server.live = state
        try:
            async with anyio.create_task_group() as tg:
                tg.start_soon(state.keep_alive)
                if orch is not None:
                    for warm in server.warmers:
                        tg.start_soon(warm, state)
                if orch is not None and _wants_channel(options):
                    tg.start_soon(server.channel.run)
                yield state
                tg.cancel_scope.cancel()
        finally:
            if server.live is state:
                server.live = None
            with anyio.CancelScope(shield=True):
                try:
                    await state.end()
                except OrchestronError as exc:
                    log.warning("could not end session %s: %s", state.session_id, exc)


def _wants_channel(options: ServerOptions) -> bool:
    if options.channel is not None:
        return options.channel
    return project_wants_channel(options.db, options.cwd)


class OrchestronServer(MCPServer[AgentSession]):
    """`MCPServer` with Orchestron's error mapping, message delivery and compact schemas."""

    def __init__(self, options: ServerOptions | None = None) -> None:
        from orchestron.mcp import __version__

        self.options = options or ServerOptions()
        super().__init__(
            "orchestron",
            instructions=INSTRUCTIONS,
            version=__version__,
            lifespan=_lifespan,
            log_level="WARNING",
        )
        self.live: AgentSession | None = None
        self.warmers: list[Callable[[AgentSession], Coroutine[Any, Any, None]]] = []
        """Run once the project is open, so the first call a client times is a warm one."""
        """The open connection's state, for readers that get no request context."""
        self._tools_cache: list[MCPTool] | None = None
        self._arg_names: dict[str, dict[str, Any]] = {}
        self._declare_channel()
        self.channel = ChannelPusher(self._live_facade, self._live_session)
        self.middleware.append(attach_on_initialized(self.channel))

    async def run_stdio_async(self) -> None:
        """The SDK's stdio transport, fed from asyncio pipes when stdin/stdout are pipes."""
        from orchestron.mcp._stdio import pipe_stdio
        from orchestron.mcp._wire import serve_wire

        async with pipe_stdio() as pipes:
            if pipes is None:
                await super().run_stdio_async()
                return
            reader, writer = pipes
            async with serve_wire(reader, writer) as (read_stream, write_stream):
                low = self._lowlevel_server
                await low.run(read_stream, write_stream, low.create_initialization_options())

    def _live_facade(self) -> Orchestron | None:
        return self.live.orch if self.live is not None else None

    def _live_session(self) -> str | None:
        live = self.live
        return (live.session_id or live.external_session) if live is not None else None

    def _declare_channel(self) -> None:
        """Declare `experimental["claude/channel"]` so Claude Code may accept pushed messages."""
        low = self._lowlevel_server
        base = low.get_capabilities

        def with_channel(
            notification_options: Any = None,
            experimental_capabilities: dict[str, dict[str, Any]] | None = None,
            extensions: dict[str, dict[str, Any]] | None = None,
            *,
            protocol_version: str | None = None,
        ) -> Any:
            experimental = {CHANNEL_CAPABILITY: {}, **(experimental_capabilities or {})}
            return base(
                notification_options, experimental, extensions, protocol_version=protocol_version
            )

        setattr(low, "get_capabilities", with_channel)  # noqa: B010 - instance-level override

    async def list_tools(self) -> list[MCPTool]:
        """The tools with their schemas made compact (no titles, no `anyOf: [T, null]`)."""
        if self._tools_cache is None:
            tools = await super().list_tools()
            self._tools_cache = [
                t.model_copy(
                    update={
                        "input_schema": compact_schema(t.input_schema),
                        "description": " ".join((t.description or "").split()),
                    }
                )
                for t in tools
            ]
            self._arg_names = {
                t.name: dict(t.input_schema.get("properties", {})) for t in self._tools_cache
            }
        return self._tools_cache

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Ctx | None = None
    ) -> CallToolResult | InputRequiredResult:
        await self.list_tools()
        known = self._arg_names.get(name)
        if known is not None:
            extra = unknown_arguments(name, arguments, known)
            if extra:
                raise ToolError(bounded(extra))
        bare = name in BARE_REPLY_TOOLS
        try:
            result = await super().call_tool(name, arguments, context)
        except ToolError as exc:
            cleaned = ToolError(bounded(str(_clean(name, exc))))
            raise (cleaned if bare else await self._with_messages(cleaned, context)) from None
        if isinstance(result, CallToolResult) and context is not None and not bare:
            block = message_block(await _take_messages(context))
            if block:
                result.content.append(TextContent(type="text", text=block))
        return result

    async def _with_messages(self, error: ToolError, context: Ctx | None) -> ToolError:
        if context is None:
            return error
        block = message_block(await _take_messages(context))
        return ToolError(f"{error}\n\n{block}") if block else error


def _clean(name: str, exc: ToolError) -> ToolError:
    """The SDK wraps every failure as "Error executing tool NAME: ..."; say it plainly."""
    cause = exc.__cause__
    if isinstance(cause, ValidationError):
        return ToolError(describe_validation(name, cause))
    if isinstance(cause, OrchestronError):
        return tool_error(name, cause)
    if isinstance(cause, ToolError) and not isinstance(cause, UnexpectedToolError):
        return ToolError(str(cause))
    if isinstance(exc, UnexpectedToolError) and cause is not None:
        log.error("tool %s crashed", name, exc_info=cause)
        return ToolError(
            f"{name}: internal error ({type(cause).__name__}: {cause}); "
            "this is a bug in orchestron-mcp, the server log has the details"
        )
    return exc


def current(ctx: Ctx) -> AgentSession:
    state = ctx.request_context.lifespan_context
    assert isinstance(state, AgentSession)
    return state


def client_name(ctx: Ctx) -> str | None:
    params = ctx.request_context.session.client_params
    return params.client_info.name if params is not None else None


async def _take_messages(ctx: Ctx) -> list[Any]:
    try:
        return await current(ctx).take_messages()
    except (OrchestronError, ValueError) as exc:
        log.warning("could not fetch messages: %s", exc)
        return []


@frozen
class Call:
    """One tool call's view: the facade acting as this agent, for its live session.

    Bound to the session, the facade refuses this agent's writes to a task that
    another live session holds.
    """

    state: AgentSession
    session_id: str
    orch: Orchestron

    @property
    def agent_id(self) -> str:
        assert self.state.agent_id is not None
        return self.state.agent_id

    def reply(self, payload: dict[str, Any], *, verbose: bool = False) -> str:
        return shape(payload, verbose=verbose)


async def begin(ctx: Ctx) -> Call:
    """Start of every tool: settle identity, start or renew the session."""
    state = current(ctx)
    sid = await state.ensure(client_name(ctx))
    return Call(state=state, session_id=sid, orch=state.facade.for_session(sid))
