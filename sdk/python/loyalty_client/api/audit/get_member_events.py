from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.events_out import EventsOut
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast
from uuid import UUID



def _get_kwargs(
    member_id: UUID,
    *,
    after_version: int | Unset = 0,
    limit: int | Unset = 1000,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["after_version"] = after_version

    params["limit"] = limit


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/members/{member_id}/events".format(member_id=quote(str(member_id), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> EventsOut | Problem | None:
    if response.status_code == 200:
        response_200 = EventsOut.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[EventsOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    member_id: UUID,
    *,
    client: AuthenticatedClient,
    after_version: int | Unset = 0,
    limit: int | Unset = 1000,

) -> Response[EventsOut | Problem]:
    """ Get Member Events

     List a member's raw events in order, with version and recorded time.

    Args:
        member_id (UUID):
        after_version (int | Unset):  Default: 0.
        limit (int | Unset):  Default: 1000.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EventsOut | Problem]
     """


    kwargs = _get_kwargs(
        member_id=member_id,
after_version=after_version,
limit=limit,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    member_id: UUID,
    *,
    client: AuthenticatedClient,
    after_version: int | Unset = 0,
    limit: int | Unset = 1000,

) -> EventsOut | Problem | None:
    """ Get Member Events

     List a member's raw events in order, with version and recorded time.

    Args:
        member_id (UUID):
        after_version (int | Unset):  Default: 0.
        limit (int | Unset):  Default: 1000.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EventsOut | Problem
     """


    return sync_detailed(
        member_id=member_id,
client=client,
after_version=after_version,
limit=limit,

    ).parsed

async def asyncio_detailed(
    member_id: UUID,
    *,
    client: AuthenticatedClient,
    after_version: int | Unset = 0,
    limit: int | Unset = 1000,

) -> Response[EventsOut | Problem]:
    """ Get Member Events

     List a member's raw events in order, with version and recorded time.

    Args:
        member_id (UUID):
        after_version (int | Unset):  Default: 0.
        limit (int | Unset):  Default: 1000.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EventsOut | Problem]
     """


    kwargs = _get_kwargs(
        member_id=member_id,
after_version=after_version,
limit=limit,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    member_id: UUID,
    *,
    client: AuthenticatedClient,
    after_version: int | Unset = 0,
    limit: int | Unset = 1000,

) -> EventsOut | Problem | None:
    """ Get Member Events

     List a member's raw events in order, with version and recorded time.

    Args:
        member_id (UUID):
        after_version (int | Unset):  Default: 0.
        limit (int | Unset):  Default: 1000.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EventsOut | Problem
     """


    return (await asyncio_detailed(
        member_id=member_id,
client=client,
after_version=after_version,
limit=limit,

    )).parsed
