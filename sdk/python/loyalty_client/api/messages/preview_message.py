from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.preview_message_kind import PreviewMessageKind
from ...models.preview_message_lang import PreviewMessageLang
from ...models.preview_out import PreviewOut
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast
from uuid import UUID



def _get_kwargs(
    *,
    kind: PreviewMessageKind,
    lang: PreviewMessageLang | Unset = PreviewMessageLang.VI,
    member_id: None | Unset | UUID = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_kind = kind.value
    params["kind"] = json_kind

    json_lang: str | Unset = UNSET
    if not isinstance(lang, Unset):
        json_lang = lang.value

    params["lang"] = json_lang

    json_member_id: None | str | Unset
    if isinstance(member_id, Unset):
        json_member_id = UNSET
    elif isinstance(member_id, UUID):
        json_member_id = str(member_id)
    else:
        json_member_id = member_id
    params["member_id"] = json_member_id


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/messages/preview",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PreviewOut | Problem | None:
    if response.status_code == 200:
        response_200 = PreviewOut.from_dict(response.json())



        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())



        return response_404

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[PreviewOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    kind: PreviewMessageKind,
    lang: PreviewMessageLang | Unset = PreviewMessageLang.VI,
    member_id: None | Unset | UUID = UNSET,

) -> Response[PreviewOut | Problem]:
    """ Preview Message

     Show what a kind of message says, for a member or a sample member; nothing is sent.

    Args:
        kind (PreviewMessageKind):
        lang (PreviewMessageLang | Unset):  Default: PreviewMessageLang.VI.
        member_id (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PreviewOut | Problem]
     """


    kwargs = _get_kwargs(
        kind=kind,
lang=lang,
member_id=member_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    kind: PreviewMessageKind,
    lang: PreviewMessageLang | Unset = PreviewMessageLang.VI,
    member_id: None | Unset | UUID = UNSET,

) -> PreviewOut | Problem | None:
    """ Preview Message

     Show what a kind of message says, for a member or a sample member; nothing is sent.

    Args:
        kind (PreviewMessageKind):
        lang (PreviewMessageLang | Unset):  Default: PreviewMessageLang.VI.
        member_id (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PreviewOut | Problem
     """


    return sync_detailed(
        client=client,
kind=kind,
lang=lang,
member_id=member_id,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    kind: PreviewMessageKind,
    lang: PreviewMessageLang | Unset = PreviewMessageLang.VI,
    member_id: None | Unset | UUID = UNSET,

) -> Response[PreviewOut | Problem]:
    """ Preview Message

     Show what a kind of message says, for a member or a sample member; nothing is sent.

    Args:
        kind (PreviewMessageKind):
        lang (PreviewMessageLang | Unset):  Default: PreviewMessageLang.VI.
        member_id (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PreviewOut | Problem]
     """


    kwargs = _get_kwargs(
        kind=kind,
lang=lang,
member_id=member_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    kind: PreviewMessageKind,
    lang: PreviewMessageLang | Unset = PreviewMessageLang.VI,
    member_id: None | Unset | UUID = UNSET,

) -> PreviewOut | Problem | None:
    """ Preview Message

     Show what a kind of message says, for a member or a sample member; nothing is sent.

    Args:
        kind (PreviewMessageKind):
        lang (PreviewMessageLang | Unset):  Default: PreviewMessageLang.VI.
        member_id (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PreviewOut | Problem
     """


    return (await asyncio_detailed(
        client=client,
kind=kind,
lang=lang,
member_id=member_id,

    )).parsed
